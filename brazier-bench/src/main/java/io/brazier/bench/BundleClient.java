package io.brazier.bench;

import java.nio.file.Path;
import java.util.List;

/** What loads bundle files into the server under test, from N clients at once. */
interface BundleClient {
  BundlePoster.Result post(List<Path> files, int concurrency);
}
