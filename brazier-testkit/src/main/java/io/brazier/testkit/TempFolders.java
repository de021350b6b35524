package io.brazier.testkit;

import io.brazier.client.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Temporary folders for the tests' embedded databases, removed once the test is done with them: each holds a
 * PostgreSQL cluster of about 100 MB, and a run of the suite starts dozens.
 */
public final class TempFolders {
  private TempFolders() {}

  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the folder and everything in it; a folder already gone is fine. */
  public static void delete(Path folder) {
    try {
      FileTrees.delete(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
