package io.brazier.store;

import io.brazier.store.sql.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The database under a store, reached on a connection of its own as another client would reach it: to hold locks that
 * make a request wait for real, and to look at what the store's API does not show.
 */
public final class TestDatabase {
  private TestDatabase() {}

  /**
   * A lock held in an open transaction until closed. Its waiters are the sessions it blocks, and only those: a
   * session that waits a moment for another lock (a busy machine shows many) is none of its business.
   */
  public static final class HeldLock implements AutoCloseable {
    private final Connection connection;
    private final Database database;
    private final int pid;

    private HeldLock(Connection connection, Database database) throws SQLException {
      this.connection = connection;
      this.database = database;
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
        row.next();
        this.pid = row.getInt(1);
      }
    }

    /** Waits until a session waits for this lock (2 minutes at most). */
    public void awaitWaiter() throws SQLException, InterruptedException {
      long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (waiters("count(*)") == 0) {
        if (System.nanoTime() > end) {
          throw new AssertionError("No session waited for the lock within 2 minutes");
        }
        Thread.sleep(20);
      }
    }

    /** Ends the sessions that wait for this lock, as the death of their node does. */
    public void terminateWaiters() throws SQLException {
      if (waiters("count(pg_terminate_backend(pid))") == 0) {
        throw new AssertionError("No session waited for the lock");
      }
    }

    /** Cancels the statements that wait for this lock, as a statement timeout does (SQLSTATE 57014). */
    public void cancelWaiters() throws SQLException {
      if (waiters("count(pg_cancel_backend(pid))") == 0) {
        throw new AssertionError("No session waited for the lock");
      }
    }

    private long waiters(String select) throws SQLException {
      try (Connection other = database.dataSource().getConnection();
          PreparedStatement statement = other.prepareStatement("SELECT " + select + " FROM pg_stat_activity"
              + " WHERE ? = ANY(pg_blocking_pids(pid))")) {
        statement.setInt(1, pid);
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          return row.getLong(1);
        }
      }
    }

    @Override
    public void close() throws SQLException {
      connection.rollback();
      connection.close();
    }
  }

  /** Locks the current row of a resource, as a writer in the middle of its transaction does. */
  public static HeldLock lockResource(Database database, String type, String id) throws SQLException {
    Connection connection = connect(database);
    try (PreparedStatement lock = connection.prepareStatement("""
        SELECT r.rid FROM resource r JOIN resource_type t ON t.id = r.type
         WHERE t.name = ? AND r.id = ? FOR UPDATE OF r""")) {
      lock.setString(1, type);
      lock.setString(2, id);
      try (ResultSet row = lock.executeQuery()) {
        if (!row.next()) {
          throw new IllegalArgumentException(type + "/" + id + " is not stored");
        }
      }
      return new HeldLock(connection, database);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Locks a whole table against reads and writes, as a schema change or a VACUUM FULL does. */
  public static HeldLock lockTable(Database database, String table) throws SQLException {
    Connection connection = connect(database);
    try (Statement lock = connection.createStatement()) {
      lock.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      return new HeldLock(connection, database);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  /** How many change rows are committed but not numbered yet: the change sequencer's backlog. */
  public static long unnumberedChanges(Database database) throws SQLException {
    try (Connection connection = connect(database); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM change WHERE seq IS NULL")) {
      row.next();
      return row.getLong(1);
    }
  }

  private static Connection connect(Database database) throws SQLException {
    Properties properties = new Properties();
    if (database.pool().getUsername() != null) {
      properties.setProperty("user", database.pool().getUsername());
    }
    if (database.pool().getPassword() != null) {
      properties.setProperty("password", database.pool().getPassword());
    }
    Connection connection = DriverManager.getConnection(database.pool().getJdbcUrl(), properties);
    connection.setAutoCommit(false);
    return connection;
  }
}
