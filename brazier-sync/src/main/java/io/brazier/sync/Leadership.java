package io.brazier.sync;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One agent at a time per target schema and source: the one holding a PostgreSQL advisory lock, on a connection of
 * its own, for as long as that connection lives. Others (the agents of other nodes of a cluster) wait as standbys
 * and take over when it goes: a session's lock ends with its session, so a crashed agent's lock frees itself.
 */
final class Leadership implements AutoCloseable {
  private final TargetConfig config;
  private final String key;
  private Connection connection;

  Leadership(TargetConfig config, String source) {
    this.config = config;
    this.key = "brazier-sync:" + config.schema() + ":" + source;
  }

  /**
   * Whether this agent holds the lock now, taking it when it is free.
   *
   * @throws SQLException when the target database cannot be reached
   */
  synchronized boolean tryAcquire() throws SQLException {
    try {
      if (connection != null && connection.isValid(2)) {
        return true;
      }
      release();
      Properties properties = new Properties();
      if (config.user() != null) {
        properties.setProperty("user", config.user());
      }
      if (config.password() != null) {
        properties.setProperty("password", config.password());
      }
      properties.setProperty("connectTimeout", "5");
      connection = DriverManager.getConnection(config.url(), properties);
      try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
        statement.setString(1, key);
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          if (row.getBoolean(1)) {
            return true;
          }
        }
      }
      release();
      return false;
    } catch (SQLException e) {
      release();
      throw e;
    }
  }

  /** Whether the lock's connection still lives (and so the lock is still this agent's). */
  synchronized boolean held() {
    try {
      return connection != null && connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private void release() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing a dead connection: its session, and so the lock, is gone anyway.
      }
      connection = null;
    }
  }

  @Override
  public synchronized void close() {
    release();
  }
}
