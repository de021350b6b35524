package io.brazier.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a Brazier process that was killed ({@code kill -9}, an out-of-memory kill): it runs on,
 * orphaned, and holds its data directory, so the next start on that directory would fail. It is stopped with a fast
 * shutdown (its sessions died with their process; a checkpoint keeps everything committed, unlogged tables too)
 * before the new start.
 */
final class LeftoverPostgres {
  private static final Logger log = LoggerFactory.getLogger(LeftoverPostgres.class);
  private static final long STOP_SECONDS = 60;

  private LeftoverPostgres() {}

  /** Stops the PostgreSQL that still runs on {@code dataDir}, if one does; a stale pid file is left to PostgreSQL. */
  static void stop(Path dataDir) {
    Optional<ProcessHandle> postmaster = running(dataDir);
    if (postmaster.isEmpty()) {
      return;
    }
    ProcessHandle process = postmaster.get();
    log.warn("A PostgreSQL left running by a killed process holds dir={} pid={}: stopping it", dataDir,
        process.pid());
    try {
      // SIGINT is PostgreSQL's fast shutdown; pg_ctl would refuse to run as root, as the embedded database may.
      Process kill = new ProcessBuilder("kill", "-s", "INT", Long.toString(process.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!kill.waitFor(STOP_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        process.destroy(); // SIGTERM, a smart shutdown: it waits for sessions, which died with their process
      }
      process.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("The PostgreSQL left running on " + dataDir + " (pid " + process.pid()
          + ") could not be stopped; stop it, then start again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping the PostgreSQL left running on " + dataDir, e);
    }
  }

  /**
   * The postmaster its pid file names, if that process is alive and is a postgres of this very directory (after a
   * reboot the pid may belong to anything else).
   */
  private static Optional<ProcessHandle> running(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      List<String> lines = Files.readAllLines(pidFile);
      pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + pidFile, e);
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(process -> isPostgresOf(process, dataDir));
  }

  private static boolean isPostgresOf(ProcessHandle process, Path dataDir) {
    ProcessHandle.Info info = process.info();
    boolean postgres = info.command().map(command -> Path.of(command).getFileName().toString().equals("postgres"))
        .orElse(false);
    boolean ofThisDir = info.arguments().map(List::of).map(args -> args.contains(dataDir.toString()))
        .orElse(false);
    return postgres && ofThisDir;
  }
}
