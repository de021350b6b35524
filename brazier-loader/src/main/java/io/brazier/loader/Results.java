package io.brazier.loader;

import static io.brazier.loader.Folders.BUNDLES;
import static io.brazier.loader.Folders.BUNDLES_ERR;
import static io.brazier.loader.Folders.BUNDLES_PROCESSED;
import static io.brazier.loader.Folders.NDJSON;
import static io.brazier.loader.Folders.NDJSON_ERR;
import static io.brazier.loader.Folders.NDJSON_PROCESSED;

import io.brazier.loader.send.FileOutcome;
import io.brazier.loader.storage.Storage;
import io.brazier.loader.storage.Storage.Stored;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Leaves a loaded file where the folder contract says: the results first, the original moved last, so that a loader
 * killed in between finds the original where it was and loads it again, and the results of an earlier attempt of
 * the same name in the other folder are removed, so that a file ends in exactly one of them.
 */
final class Results {
  private final Storage storage;

  Results(Storage storage) {
    this.storage = storage;
  }

  void bundle(Stored file, FileOutcome outcome) throws IOException {
    String name = file.name();
    if (outcome.isSplit()) {
      List<byte[]> chunks = outcome.chunks();
      for (int i = 0; i < chunks.size(); i++) {
        storage.write(BUNDLES, Folders.chunk(file, i + 1), chunks.get(i));
      }
      clear(BUNDLES_ERR, name + ".err");
      storage.move(BUNDLES, name, BUNDLES_PROCESSED, name + ".split");
    } else if (outcome.succeeded()) {
      storage.write(BUNDLES_PROCESSED, name + ".processed.result", outcome.result());
      clear(BUNDLES_ERR, name + ".err");
      storage.move(BUNDLES, name, BUNDLES_PROCESSED, name + ".processed");
    } else {
      failed(BUNDLES, BUNDLES_ERR, name, outcome.reason(), outcome.report());
      clear(BUNDLES_PROCESSED, name + ".processed");
    }
  }

  void ndjson(String name, FileOutcome outcome) throws IOException {
    if (outcome.rejected() == null && !outcome.succeeded()) { // unreadable as a whole
      failed(NDJSON, NDJSON_ERR, name, outcome.reason(), null);
      clear(NDJSON_PROCESSED, name + ".processed");
      return;
    }
    clear(NDJSON_ERR, name + ".err");
    if (outcome.rejected() != null) {
      storage.write(NDJSON_ERR, name + ".err.actionneeded", outcome.report());
      storage.write(NDJSON_ERR, name + ".err", outcome.rejected());
    }
    storage.move(NDJSON, name, NDJSON_PROCESSED, name + ".processed");
  }

  /** {@code [name].err}, with the reason in {@code .err.response} and the report in {@code .err.actionneeded}. */
  void failed(String folder, String errFolder, String name, String reason, byte[] report) throws IOException {
    storage.write(errFolder, name + ".err.response", reason.getBytes(StandardCharsets.UTF_8));
    if (report != null) {
      storage.write(errFolder, name + ".err.actionneeded", report);
    } else {
      storage.delete(errFolder, name + ".err.actionneeded");
    }
    storage.move(folder, name, errFolder, name + ".err");
  }

  private void clear(String folder, String base) throws IOException {
    for (String suffix : List.of("", ".response", ".actionneeded", ".result")) {
      storage.delete(folder, base + suffix);
    }
  }
}
