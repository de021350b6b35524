package io.brazier.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL that a killed process left running in its data directory. The embedded PostgreSQL runs apart from the
 * JVM that starts it, so when that JVM dies without its shutdown hook (kill -9, the OOM killer), the server goes on,
 * holding the data directory, and the next start would fail. Before starting, the directory's
 * {@code postmaster.pid} is read: a live postgres serving this directory, whose owner no longer holds the
 * directory's lock, is stopped with a fast shutdown (its transactions roll back; what it committed stays).
 */
final class LeftPostmaster {
  private static final Logger log = LoggerFactory.getLogger(LeftPostmaster.class);
  /** The lock file of the embedded PostgreSQL library: held by the process that runs the server, while it runs. */
  private static final String OWNER_LOCK = "epg-lock";
  /** A fast shutdown ends with a checkpoint of what the server held in memory. */
  private static final Duration STOP_WAIT = Duration.ofMinutes(2);

  private LeftPostmaster() {}

  /** Stops the postgres left running in {@code dataDir}, if there is one; fails if a live process still owns it. */
  static void stopIfAny(Path dataDir) {
    Optional<ProcessHandle> left = find(dataDir);
    if (left.isEmpty()) {
      return;
    }
    long pid = left.get().pid();
    if (isOwned(dataDir)) {
      throw new IllegalStateException("The embedded PostgreSQL in " + dataDir + " runs for another Brazier (postgres"
          + " PID " + pid + "): stop that one first, or give this one another --data-dir.");
    }
    log.warn("Embedded PostgreSQL left running by a previous run that did not shut down pid={} dir={}: stopping it",
        pid, dataDir);
    long started = System.nanoTime();
    stop(left.get());
    log.info("Left embedded PostgreSQL stopped pid={} ms={}", pid, (System.nanoTime() - started) / 1_000_000);
  }

  /** The postgres that {@code dataDir/postmaster.pid} names, when it runs and serves that directory. */
  static Optional<ProcessHandle> find(Path dataDir) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + dataDir.resolve("postmaster.pid"), e);
    }
    if (lines.isEmpty() || !lines.get(0).trim().matches("\\d{1,10}")) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive)
        .filter(process -> serves(process, dataDir));
  }

  /**
   * Whether {@code process} is a postgres started on {@code dataDir}: a process id may have been reused by anything
   * since the file was written.
   */
  private static boolean serves(ProcessHandle process, Path dataDir) {
    ProcessHandle.Info info = process.info();
    boolean postgres = info.command().map(command -> Path.of(command).getFileName().toString())
        .map(name -> name.equals("postgres") || name.equals("postgres.exe")).orElse(false);
    List<String> arguments = info.arguments().map(List::of).orElse(List.of());
    int d = arguments.indexOf("-D");
    return postgres && d >= 0 && d + 1 < arguments.size() && samePath(Path.of(arguments.get(d + 1)), dataDir);
  }

  private static boolean samePath(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether a live process holds the directory's lock, as the process running its server does. */
  private static boolean isOwned(Path dataDir) {
    try (FileChannel channel = FileChannel.open(dataDir.resolve(OWNER_LOCK), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not check the lock of " + dataDir, e);
    }
  }

  /** A fast shutdown (SIGINT), or SIGTERM where no {@code kill} command sends it, then a wait for the exit. */
  private static void stop(ProcessHandle postmaster) {
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).inheritIO().start().waitFor();
    } catch (IOException e) {
      postmaster.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping PostgreSQL PID " + postmaster.pid(), e);
    }
    if (!awaitExit(postmaster)) {
      throw new IllegalStateException("The PostgreSQL left running by a previous run (PID " + postmaster.pid()
          + ") did not stop within " + STOP_WAIT.toMinutes() + " minutes: stop it, then start Brazier again.");
    }
  }

  /**
   * Waits until the postgres serving {@code dataDir}, if one still runs, has exited; returns whether none runs now.
   * Stopping can be under way in another thread: the embedded library's own shutdown hook stops the server too, and
   * a second stop returns at once, while the server still writes its shutdown checkpoint into the directory.
   */
  static boolean awaitExit(Path dataDir) {
    return find(dataDir).map(LeftPostmaster::awaitExit).orElse(true);
  }

  private static boolean awaitExit(ProcessHandle postmaster) {
    try {
      postmaster.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping PostgreSQL PID " + postmaster.pid(), e);
    }
  }
}
