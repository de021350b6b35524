package io.brazier.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The index rows of an import into an empty store, written once: straight into the live index tables (whose search
 * indexes the import dropped) when a batch is staged, each under a rid taken for its line then, rather than staged
 * and copied again by the merge. The merge gives a created resource its line's rid, so its rows are in place; it
 * moves the rows of a line that updates a stored resource to that resource's rid, and deletes those of a line that
 * is not current (history, superseded, failed a check). Until then the rows name a rid that no resource has, which
 * no search reads: every search joins the resource table. Rows left by an import that stops are deleted with its
 * staging ({@link #deleteUnmerged}), and those of a staging lost in a database crash with the next one
 * ({@link #deleteAfterCrash}), by the rids taken since the staging was made (recorded in a logged table of its own).
 */
final class DirectIndexes {
  /** The sequence that gives resources their rid ({@code resource.rid} is an identity column). */
  static final String RIDS = "resource_rid_seq";

  private DirectIndexes() {}

  /** Whether a job writes its index rows straight into the live tables: it dropped the search indexes. */
  static boolean active(Connection connection, String job) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT EXISTS (SELECT 1 FROM import_index WHERE job = ?)")) {
      statement.setObject(1, UUID.fromString(job));
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getBoolean(1);
      }
    }
  }

  /** Takes {@code count} rids for lines, as resources take theirs. */
  static long[] reserve(Connection connection, int count) throws SQLException {
    long[] rids = new long[count];
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT nextval('" + RIDS + "') FROM generate_series(1, ?)")) {
      statement.setInt(1, count);
      try (ResultSet rows = statement.executeQuery()) {
        for (int i = 0; rows.next(); i++) {
          rids[i] = rows.getLong(1);
        }
      }
    }
    return rids;
  }

  /** Makes the logged table that records the last rid taken before a staging was made: it outlives a crash. */
  static void recordStart(Statement statement, String prefix) throws SQLException {
    statement.execute("CREATE TABLE " + prefix + "since (rid bigint NOT NULL)");
    statement.execute("INSERT INTO " + prefix + "since SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1"
        + " END FROM " + RIDS);
  }

  /**
   * Deletes the index rows of staged lines that no resource took the rid of: a staging dropped before every
   * batch was merged (cancelled, failed). The rids are gathered once, then found by each table's rid index.
   */
  static void deleteUnmerged(Statement statement, String prefix) throws SQLException {
    deleteEach(statement, "WITH g AS MATERIALIZED (SELECT coalesce(array_agg(l.rid), '{}') AS rids FROM " + prefix
        + "line l WHERE l.rid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resource r WHERE r.rid = l.rid))",
        "rid = ANY((SELECT rids FROM g)::int8[])");
  }

  /**
   * Deletes the index rows that lines of a staging lost in a database crash left: rows under a rid taken since the
   * staging was made that no resource has. Other writers write a resource and its rows in one transaction, and only
   * an import into an empty store writes rows this way, so no other rows match.
   */
  static void deleteAfterCrash(Statement statement, String prefix) throws SQLException {
    deleteEach(statement, "WITH g AS MATERIALIZED (SELECT rid FROM " + prefix + "since)",
        "rid > (SELECT rid FROM g) AND NOT EXISTS (SELECT 1 FROM resource r WHERE r.rid = t.rid)");
  }

  private static void deleteEach(Statement statement, String with, String where) throws SQLException {
    StringBuilder sql = new StringBuilder(with);
    int n = 0;
    for (String table : IndexWriter.TABLES) {
      sql.append(", d").append(n++).append(" AS (DELETE FROM ").append(table).append(" t WHERE ").append(where)
          .append(")");
    }
    statement.execute(sql.append(" SELECT 1").toString());
  }
}
