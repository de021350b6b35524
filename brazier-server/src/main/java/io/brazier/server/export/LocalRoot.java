package io.brazier.server.export;

import io.brazier.client.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder local exports go to: the one the configuration names, made at start so that one that cannot be made is
 * refused then; or, when it names none, a temporary folder of this node's, made when an export first writes a file
 * (a node that never exports, as most tests and embedded servers, leaves nothing behind, even when it is never
 * closed) and deleted when the node closes, as its exports could not be resumed elsewhere.
 */
final class LocalRoot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalRoot.class);

  private final Path named;
  private Path temporary;

  private LocalRoot(Path named) {
    this.named = named;
  }

  static LocalRoot named(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not make the export folder " + dir, e);
    }
    return new LocalRoot(dir);
  }

  static LocalRoot temporary() {
    return new LocalRoot(null);
  }

  /** The folder, made now if it is a temporary one not made yet. */
  synchronized Path made() {
    if (named != null) {
      return named;
    }
    if (temporary == null) {
      try {
        temporary = Files.createTempDirectory("brazier-export");
      } catch (IOException e) {
        throw new UncheckedIOException("Could not make a temporary export folder", e);
      }
      log.info("Exports go to a temporary folder dir={}", temporary);
    }
    return temporary;
  }

  /** The folder; null when it is a temporary one that nothing was written to yet. */
  synchronized Path existing() {
    return named != null ? named : temporary;
  }

  /** Deletes the temporary folder, if one was made; a named one is kept. */
  @Override
  public synchronized void close() {
    if (temporary == null) {
      return;
    }
    try {
      FileTrees.delete(temporary);
    } catch (IOException e) {
      log.warn("Could not delete the temporary export folder dir={}: {}", temporary, e.getMessage());
    }
  }
}
