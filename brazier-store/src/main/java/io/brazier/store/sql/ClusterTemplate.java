package io.brazier.store.sql;

import io.brazier.client.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An empty PostgreSQL cluster with Brazier's schema, made once per schema in a cache folder and copied into each new
 * embedded data directory: a copy takes a fraction of a second where initdb and every migration take seconds, and
 * Flyway then only checks the checksums. The template's name is a digest of the migrations and of the PostgreSQL
 * binaries ({@link Schema#fingerprint()}), so that a new migration or PostgreSQL makes a new one. The copy is
 * flushed to disk before PostgreSQL starts on it, as initdb flushes what it writes, so that a power cut cannot lose
 * the files under a committed write.
 */
final class ClusterTemplate {
  private static final Logger log = LoggerFactory.getLogger(ClusterTemplate.class);
  /** Files of a running or once-run server that a copy must not take over. */
  private static final List<String> NOT_COPIED = List.of("epg-lock", "postmaster.pid", "postmaster.opts");
  /** fsync waits on the disk, not the CPU: many at once let the file system commit them together. */
  private static final int FLUSH_THREADS = 16;

  private final Path dir;

  /** The template of the current schema in {@code cache}. */
  ClusterTemplate(Path cache) {
    this.dir = cache.resolve("postgres-" + Schema.fingerprint());
  }

  /** The user's cache folder for Brazier: {@code $XDG_CACHE_HOME/brazier}, or {@code ~/.cache/brazier}. */
  static Path userCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("brazier");
  }

  Path dir() {
    return dir;
  }

  /** Makes {@code dataDir}, which must not exist yet, a copy of the template, making the template first. */
  void copyTo(Path dataDir) throws IOException {
    if (!Files.isDirectory(dir)) {
      make();
    }
    long started = System.nanoTime();
    Path copying = dataDir.resolveSibling(dataDir.getFileName() + ".copying");
    FileTrees.delete(copying); // a copy a crash interrupted
    List<Path> copied = copy(dir, copying);
    flush(copied);
    Files.move(copying, dataDir, StandardCopyOption.ATOMIC_MOVE);
    flush(List.of(dataDir.getParent()));
    log.info("Database cluster copied from its template template={} files={} ms={}", dir, copied.size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** initdb and the migrations, in a folder of its own that becomes the template once complete. */
  private void make() throws IOException {
    long started = System.nanoTime();
    Files.createDirectories(dir.getParent());
    Path building = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".building-");
    try {
      Path cluster = building.resolve("cluster");
      try (EmbeddedServer server = new EmbeddedServer(cluster, null).start()) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server.jdbcUrl());
        Schema.migrate(dataSource);
      }
      try {
        Files.move(cluster, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        // Renaming onto the template another process made meanwhile fails (EEXIST, or ENOTEMPTY on Linux): use it.
        if (!Files.isDirectory(dir)) {
          throw e;
        }
        return;
      }
      log.info("Database template made (initdb and migrations, once per schema) template={} ms={}", dir,
          (System.nanoTime() - started) / 1_000_000);
    } finally {
      FileTrees.delete(building);
    }
  }

  /** Copies the tree {@code from} to {@code to}, leaving out a server's own files; returns what it wrote. */
  private static List<Path> copy(Path from, Path to) throws IOException {
    try (Stream<Path> tree = Files.walk(from)) {
      List<Path> sources = tree.filter(path -> !NOT_COPIED.contains(path.getFileName().toString())).toList();
      List<Path> copies = new ArrayList<>(sources.size());
      for (Path source : sources) {
        Path copy = to.resolve(from.relativize(source).toString());
        Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
        copies.add(copy);
      }
      return copies;
    }
  }

  /** fsync of every file and folder given. */
  private static void flush(List<Path> paths) throws IOException {
    ExecutorService flushing = Executors.newFixedThreadPool(Math.min(FLUSH_THREADS, paths.size()));
    try {
      List<Callable<Void>> forces = paths.stream().<Callable<Void>>map(path -> () -> force(path)).toList();
      for (Future<Void> flush : flushing.invokeAll(forces)) {
        flush.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException cause ? cause
          : new IOException("Could not flush the database cluster", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while flushing the database cluster", e);
    } finally {
      flushing.shutdown();
    }
  }

  private static Void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
    return null;
  }
}
