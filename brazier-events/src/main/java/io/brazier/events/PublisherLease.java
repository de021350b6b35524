package io.brazier.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The right to publish, and the checkpoint that only its holder moves. The right is a PostgreSQL advisory lock held
 * by a connection of its own: one node at a time holds it, and when that node dies its connection closes and
 * PostgreSQL releases the lock at once (TCP keepalives end the session of a node cut off from the database within
 * about 30 s), so that another node takes over. The checkpoint is written over that same connection, so a node that
 * lost the lock cannot move it. Both live in the schema {@code brazier_events}, migrated by Flyway from
 * {@code db/events}, beside FHIR's tables and apart from them.
 */
final class PublisherLease implements AutoCloseable {
  /** The first key of this module's advisory locks ("brze"); the second is the publisher's name, hashed. */
  private static final int LOCK_CLASS = 0x62727a65;

  private final DataSource dataSource;
  private final String name;
  private Connection connection;

  /** @param dataSource connections of their own, not pooled: a pool would keep the lock of a returned connection */
  PublisherLease(DataSource dataSource, String name) {
    this.dataSource = dataSource;
    this.name = name;
  }

  /** Connections to a PostgreSQL for the lease: unpooled, with keepalives that notice a dead peer. */
  static DataSource dataSource(String jdbcUrl, String user, String password) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    dataSource.setUser(user);
    dataSource.setPassword(password);
    dataSource.setTcpKeepAlive(true);
    dataSource.setConnectTimeout(10);
    dataSource.setSocketTimeout(60);
    return dataSource;
  }

  /** Creates or updates the schema {@code brazier_events}. */
  static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).schemas("brazier_events").locations("classpath:db/events").load()
        .migrate();
  }

  /** Takes the lock if no one holds it; true when this lease holds it now. */
  synchronized boolean tryAcquire() throws SQLException {
    if (connection != null) {
      return true;
    }
    Connection candidate = dataSource.getConnection();
    try (Statement settings = candidate.createStatement();
        PreparedStatement lock = candidate.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
      // The database ends the session of a silent peer after 10 + 4 * 5 s, and with it the lock.
      settings.execute("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5;"
          + " SET tcp_keepalives_count = 4");
      lock.setInt(1, LOCK_CLASS);
      lock.setString(2, name);
      try (ResultSet row = lock.executeQuery()) {
        if (row.next() && row.getBoolean(1)) {
          connection = candidate;
          return true;
        }
      }
    } catch (SQLException | RuntimeException e) {
      candidate.close();
      throw e;
    }
    candidate.close();
    return false;
  }

  /** The last sequence published: 0 before the first. */
  synchronized long checkpoint() {
    try (PreparedStatement select = held().prepareStatement(
        "SELECT sequence FROM brazier_events.checkpoint WHERE publisher = ?")) {
      select.setString(1, name);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw lost(e);
    }
  }

  /** Moves the checkpoint to {@code sequence}, whose messages and all before it the broker acknowledged. */
  synchronized void advance(long sequence) {
    try (PreparedStatement upsert = held().prepareStatement("INSERT INTO brazier_events.checkpoint AS c"
        + " (publisher, sequence) VALUES (?, ?) ON CONFLICT (publisher)"
        + " DO UPDATE SET sequence = excluded.sequence, updated = now()")) {
      upsert.setString(1, name);
      upsert.setLong(2, sequence);
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw lost(e);
    }
  }

  /** Whether the connection that holds the lock still answers. */
  synchronized boolean holds() {
    try {
      return connection != null && connection.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private Connection held() {
    if (connection == null) {
      throw new LeaseLost("The publisher's lock is not held", null);
    }
    return connection;
  }

  private LeaseLost lost(SQLException e) {
    close();
    return new LeaseLost("The connection holding the publisher's lock failed: " + e.getMessage(), e);
  }

  /**
   * Lets the lock go, at once: closing the connection alone ends the session that holds it only when PostgreSQL's
   * backend has seen the close, a moment later, so a node taking over just after could still find it held.
   */
  @Override
  public synchronized void close() {
    if (connection != null) {
      try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
        unlock.setInt(1, LOCK_CLASS);
        unlock.setString(2, name);
        unlock.execute();
      } catch (SQLException e) {
        // A connection that failed has no session left, and so no lock.
      }
      try {
        connection.close();
      } catch (SQLException e) {
        // The session is gone either way, and the lock with it.
      }
      connection = null;
    }
  }
}
