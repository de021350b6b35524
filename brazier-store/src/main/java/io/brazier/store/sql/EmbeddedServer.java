package io.brazier.store.sql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL in a data directory: started (after stopping one a killed predecessor left running there),
 * stopped, and started again on the same port, so that a connection pool finds it back after an outage. A new data
 * directory starts as a copy of the schema's {@link ClusterTemplate}, when there is one to copy.
 */
final class EmbeddedServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
  /** After a crash, PostgreSQL replays the WAL written since its last checkpoint (up to max_wal_size) first. */
  private static final Duration STARTUP_WAIT = Duration.ofMinutes(10);

  private final Path dir;
  private final ClusterTemplate template;
  private final boolean stopsAtExit;
  private EmbeddedPostgres postgres;
  private int port;
  private boolean fromTemplate;

  /** A server that a shutdown hook stops at the JVM's exit, if {@link #close} did not. */
  EmbeddedServer(Path dir, ClusterTemplate template) {
    this(dir, template, true);
  }

  /**
   * @param template what a new data directory starts as, or null to run initdb there
   * @param stopsAtExit whether a shutdown hook stops the server at the JVM's exit (see
   *     {@link io.brazier.store.DatabaseConfig}); without it, only {@link #close} does
   */
  EmbeddedServer(Path dir, ClusterTemplate template, boolean stopsAtExit) {
    this.dir = dir;
    this.template = template;
    this.stopsAtExit = stopsAtExit;
  }

  /** Starts the server: on a free port the first time, on the same port after {@link #stop}. */
  synchronized EmbeddedServer start() {
    if (postgres != null) {
      return this;
    }
    try {
      Files.createDirectories(dir.getParent());
      LeftPostmaster.stopIfAny(dir);
      fromTemplate = copyTemplateIfNew() || fromTemplate;
      long started = System.nanoTime();
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPGStartupWait(STARTUP_WAIT)
          .setRegisterShutdownHook(stopsAtExit)
          // The embedded defaults trade durability for test speed; a 2xx from Brazier must survive a power cut.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "200")
          .setServerConfig("shared_buffers", "256MB")
          .setServerConfig("wal_buffers", "16MB")
          .setServerConfig("max_wal_size", "4GB")
          .setServerConfig("checkpoint_timeout", "15min")
          .setServerConfig("wal_compression", "on");
      postgres = (port == 0 ? builder : builder.setPort(port)).start();
      port = postgres.getPort();
      log.info("Embedded PostgreSQL started dir={} port={} ms={}", dir, port,
          (System.nanoTime() - started) / 1_000_000);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dir, e);
    }
  }

  /**
   * Makes a new data directory a copy of the template; where that fails, PostgreSQL's initdb makes it. Returns
   * whether the data directory is such a copy.
   */
  private boolean copyTemplateIfNew() {
    if (template == null || Files.exists(dir)) {
      return false;
    }
    try {
      template.copyTo(dir);
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn("Could not copy the database template, running initdb instead template={}", template.dir(), e);
      return false;
    }
  }

  /**
   * Whether this server's first start was on a copy of the template: a cluster that has the current schema, whose
   * migrations were applied and checked when the template was made from these very migrations.
   */
  synchronized boolean copiedFromTemplate() {
    return fromTemplate;
  }

  synchronized String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** Stops the server, if it runs, and returns once it has exited; {@link #start} starts it again. */
  synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly dir={}", dir, e);
    }
    if (!LeftPostmaster.awaitExit(dir)) {
      log.warn("Embedded PostgreSQL still runs after its stop dir={}", dir);
    }
    postgres = null;
  }

  @Override
  public void close() {
    stop();
  }
}
