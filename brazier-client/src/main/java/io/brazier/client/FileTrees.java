package io.brazier.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Folders removed with everything in them: a database cluster's copy, an export's files, a loader's staged archive,
 * a benchmark's data, a test's emulator. Here, in the module that depends on no other and that both the loader and
 * the tests' kit may reach, so that every module shares the one walk.
 */
public final class FileTrees {
  /** How often a walk is tried again when files come or go during it (a PostgreSQL still stopping). */
  private static final int ATTEMPTS = 5;

  private FileTrees() {}

  /** Removes {@code root} and everything below it; a folder already gone is fine. */
  public static void delete(Path root) throws IOException {
    for (int attempt = 1; Files.exists(root); attempt++) {
      try (Stream<Path> tree = Files.walk(root)) {
        List<Path> paths = tree.sorted(Comparator.reverseOrder()).toList();
        for (Path path : paths) {
          Files.deleteIfExists(path);
        }
      } catch (NoSuchFileException e) {
        return; // the root went while the walk began
      } catch (UncheckedIOException | DirectoryNotEmptyException e) {
        if (attempt == ATTEMPTS) {
          throw e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
        }
      }
    }
  }
}
