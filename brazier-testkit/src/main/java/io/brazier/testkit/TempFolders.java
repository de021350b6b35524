package io.brazier.testkit;

import io.brazier.client.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporary folders for the tests' embedded databases, removed once the test is done with them: each holds a
 * PostgreSQL cluster of about 100 MB, and a run of the suite starts dozens.
 */
public final class TempFolders {
  /** The folders {@link #createUntilExit} made, removed when the test JVM exits. */
  private static final List<Path> AT_EXIT = new ArrayList<>();

  private TempFolders() {}

  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A folder removed when the test JVM exits: for what a fixture makes for tests that use it until they end, where
   * no one place knows which test is the last.
   */
  public static Path createUntilExit(String prefix) {
    Path folder = create(prefix);
    synchronized (AT_EXIT) {
      if (AT_EXIT.isEmpty()) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          synchronized (AT_EXIT) {
            AT_EXIT.forEach(TempFolders::delete);
          }
        }, "temp-folders"));
      }
      AT_EXIT.add(folder);
    }
    return folder;
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
