package io.brazier.sync;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL of a test's own, at a port and in a data folder that stay, so that the test can stop it for real and
 * start it again, or start it only after the agent that needs it.
 */
final class StoppableDatabase implements AutoCloseable {
  private final Path data;
  private final int port;
  private EmbeddedPostgres running;

  /** A database not started yet, that will keep its data in {@code data}. */
  StoppableDatabase(Path data) {
    try {
      this.data = Files.createDirectories(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.port = freePort();
  }

  /** A target in this database, whether it runs or not. */
  TargetConfig target(String schema) {
    return new TargetConfig("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null, schema, 4);
  }

  StoppableDatabase start() {
    try {
      running = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void stop() {
    if (running != null) {
      try {
        running.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      running = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
