package io.brazier.loader.export;

import io.brazier.client.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local folder where an export's files fill before they are stored, {@code brazier-loader-export-[pid]-[n]} in
 * the temporary folder: made when the first file is staged, so an export that writes nothing (or is killed before
 * it does) leaves nothing, and deleted on close. A loader that is killed cannot delete its own, so when a loader
 * first stages it removes those left by loaders that are gone: a folder whose pid names no running process. A pid
 * in use again by any process keeps its folder (never one of a live loader; a later start removes it). This holds
 * only among loaders that see each other's processes (one host, one pid namespace), as loaders sharing a temporary
 * folder do.
 */
final class StagingFolder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StagingFolder.class);
  private static final String PREFIX = "brazier-loader-export-";

  private final Path parent;
  private Path folder;

  StagingFolder(Path parent) {
    this.parent = parent;
  }

  /** The folder, made now (after removing those left by loaders that are gone) if it was not made yet. */
  synchronized Path made() throws IOException {
    if (folder == null) {
      removeLeft();
      folder = Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-");
    }
    return folder;
  }

  private void removeLeft() throws IOException {
    try (DirectoryStream<Path> found = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path dir : found) {
        OptionalLong pid = pid(dir.getFileName().toString());
        if (pid.isPresent() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !running(pid.getAsLong())) {
          remove(dir, pid.getAsLong());
        }
      }
    }
  }

  /** The pid a name holds; empty for a name this class did not make. */
  private static OptionalLong pid(String name) {
    String rest = name.substring(PREFIX.length());
    int end = rest.indexOf('-');
    return end > 0 && rest.substring(0, end).matches("\\d{1,10}")
        ? OptionalLong.of(Long.parseLong(rest.substring(0, end))) : OptionalLong.empty();
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void remove(Path dir, long pid) {
    try {
      FileTrees.delete(dir);
      log.info("Removed an export staging folder of a loader that is gone dir={} pid={}", dir, pid);
    } catch (IOException e) {
      // another user's, which only that user may delete: this export does not need it gone
      log.debug("Could not remove an export staging folder dir={}: {}", dir, e.getMessage());
    }
  }

  /** Deletes the folder with what was not stored, if it was made. */
  @Override
  public synchronized void close() {
    if (folder == null) {
      return;
    }
    try {
      FileTrees.delete(folder);
    } catch (IOException e) {
      log.warn("Could not delete an export staging folder dir={}: {}", folder, e.getMessage());
    }
  }
}
