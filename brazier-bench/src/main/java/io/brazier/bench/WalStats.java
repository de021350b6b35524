package io.brazier.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's write-ahead-log counters (pg_stat_wal, PostgreSQL 14 to 17): how many times the WAL was fsynced,
 * how many bytes it took, and how many transactions committed. Two snapshots give the rates of a run.
 */
record WalStats(long syncs, long bytes, long commits) {

  static WalStats read(String jdbcUrl) {
    String sql = """
        SELECT w.wal_sync, w.wal_bytes::bigint, d.xact_commit
          FROM pg_stat_wal w, pg_stat_database d WHERE d.datname = current_database()""";
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        Statement statement = connection.createStatement()) {
      // Statistics are cached per transaction; ask for the current ones.
      statement.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet row = statement.executeQuery(sql)) {
        row.next();
        return new WalStats(row.getLong(1), row.getLong(2), row.getLong(3));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read pg_stat_wal from " + jdbcUrl, e);
    }
  }

  WalStats minus(WalStats before) {
    return new WalStats(syncs - before.syncs, bytes - before.bytes, commits - before.commits);
  }
}
