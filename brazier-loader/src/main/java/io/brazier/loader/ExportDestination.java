package io.brazier.loader;

import io.brazier.loader.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where an export's files go: a folder of a {@link Storage} (a local directory's, or a Blob container), under {@code
 * prefix} ({@code ""}, or a job's {@code id/}); NDJSON files roll over at {@code fileMaxBytes}.
 */
public record ExportDestination(Storage storage, String folder, String prefix, long fileMaxBytes) {

  public ExportDestination {
    if (fileMaxBytes < 1) {
      throw new IllegalArgumentException("--file-max-mb must be at least 1, not " + fileMaxBytes / (1024 * 1024));
    }
  }

  /** Makes the folder or container; an account that refuses is an {@link IOException} that names it. */
  public void prepare() throws IOException {
    try {
      storage.prepare(List.of(folder));
    } catch (RuntimeException e) {
      throw new IOException("The export cannot write to " + folder + " at " + storage.describe() + ": "
          + e.getMessage(), e);
    }
  }

  /** Stores a finished local file (it is moved or uploaded); its URL. */
  public String store(String name, Path content) throws IOException {
    storage.write(folder, prefix + name, content);
    return storage.url(folder, prefix + name);
  }

  public String store(String name, byte[] content) throws IOException {
    storage.write(folder, prefix + name, content);
    return storage.url(folder, prefix + name);
  }
}
