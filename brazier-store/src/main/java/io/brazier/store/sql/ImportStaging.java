package io.brazier.store.sql;

import io.brazier.store.Imports.Staging;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The staging tables of one import job, named {@code import_<job>_<table>}: unlogged (no WAL, and emptied by a crash
 * of the database, which a row in {@code marker} tells), without the indexes of the live tables. {@code line} holds
 * the lines read and checked ({@code state}: S staged, X superseded by a later line of the same resource, E failed a
 * check), {@code deferred} the lines waiting until every input is read, {@code identifier} and {@code reference}
 * what the checks of the whole import need, and one table per search index table, {@code LIKE} it, whose
 * {@code rid} column holds the line number (a BRIN index: rows are written in line order, batch by batch). An
 * import into an empty store writes its index rows into the live tables instead ({@link DirectIndexes}): its lines
 * then have a {@code rid}, and {@code since} (logged) says from which rid on its rows may be left by a crash.
 */
final class ImportStaging {
  private static final List<String> OWN = List.of("marker", "line", "deferred", "identifier", "reference", "since");

  private ImportStaging() {}

  /** The prefix of a job's tables; the job id is a UUID, so nothing but hex digits gets into a statement. */
  static String prefix(String job) {
    return "import_" + UUID.fromString(job).toString().replace("-", "") + "_";
  }

  /** Makes the job's tables unless they are there; says whether they were, and whether a crash emptied them. */
  static Staging open(Connection connection, String job) throws SQLException {
    String prefix = prefix(job);
    try (Statement statement = connection.createStatement()) {
      if (exists(statement, prefix + "marker")) {
        try (ResultSet marker = statement.executeQuery("SELECT count(*) FROM " + prefix + "marker")) {
          marker.next();
          if (marker.getLong(1) > 0) {
            return Staging.KEPT;
          }
        }
        DirectIndexes.deleteAfterCrash(statement, prefix);
        drop(statement, prefix);
        create(statement, prefix);
        return Staging.LOST;
      }
      create(statement, prefix);
      return Staging.NEW;
    }
  }

  private static void create(Statement statement, String prefix) throws SQLException {
    createTable(statement, prefix + "line", "seq bigint PRIMARY KEY, batch integer NOT NULL, type smallint NOT NULL,"
        + " id text NOT NULL, version integer, updated timestamptz, updated_text text, body bytea NOT NULL,"
        + " stamp_at integer NOT NULL, state char(1) NOT NULL DEFAULT 'S', rid bigint");
    // Bodies are read once, by the merge: not compressed here, as the live table compresses them anyway.
    statement.execute("ALTER TABLE " + prefix + "line ALTER COLUMN body SET STORAGE EXTERNAL");
    statement.execute("CREATE INDEX ON " + prefix + "line (batch)");
    createTable(statement, prefix + "deferred", "seq bigint PRIMARY KEY, type smallint NOT NULL, id text NOT NULL,"
        + " raw bytea NOT NULL");
    createTable(statement, prefix + "identifier", "type smallint NOT NULL, key text NOT NULL, id text NOT NULL");
    statement.execute("CREATE INDEX ON " + prefix + "identifier (type, key)");
    createTable(statement, prefix + "reference", "seq bigint NOT NULL, ttype smallint NOT NULL, tid text NOT NULL");
    for (String table : IndexWriter.TABLES) {
      createTable(statement, prefix + table, "LIKE " + table);
      // A batch's rows are written together, so block ranges find them: a BRIN index costs next to nothing.
      statement.execute("CREATE INDEX ON " + prefix + table + " USING brin (rid) WITH (pages_per_range = 8)");
    }
    DirectIndexes.recordStart(statement, prefix);
    // Last: a marker without a row is what a crash leaves, or a creation that did not finish.
    statement.execute("CREATE UNLOGGED TABLE " + prefix + "marker (made timestamptz NOT NULL)");
    statement.execute("INSERT INTO " + prefix + "marker VALUES (now())");
  }

  /**
   * An unlogged staging table that grows with the input. Autovacuum is off: the table gains millions of rows in
   * minutes and is dropped when the import ends, so autovacuum would scan it again and again as it grows, for nothing
   * (the checks ANALYZE what they query).
   */
  private static void createTable(Statement statement, String table, String columns) throws SQLException {
    statement.execute("CREATE UNLOGGED TABLE " + table + " (" + columns + ")"
        + " WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)");
  }

  static void drop(Statement statement, String prefix) throws SQLException {
    if (exists(statement, prefix + "line")) {
      DirectIndexes.deleteUnmerged(statement, prefix);
    }
    List<String> tables = new ArrayList<>(OWN);
    tables.addAll(IndexWriter.TABLES);
    for (String table : tables) {
      statement.execute("DROP TABLE IF EXISTS " + prefix + table);
    }
  }

  /**
   * Drops the staging of every import job that is no longer queued or running (ended, cancelled, purged) and has not
   * changed for {@code settled}: a runner still finishing a job just cancelled would fail on its staging gone.
   */
  static void sweep(Connection connection, Duration settled) throws SQLException {
    String sql = """
        SELECT substring(c.relname from 8 for 32) FROM pg_class c
         WHERE c.relkind = 'r' AND c.relname LIKE 'import\\_%\\_marker'
           AND NOT EXISTS (SELECT 1 FROM job j WHERE replace(j.id::text, '-', '') = substring(c.relname from 8 for 32)
                              AND (j.status IN ('queued', 'running') OR j.updated > now() - make_interval(secs => ?)))""";
    List<String> ended = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setDouble(1, settled.toMillis() / 1000.0);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ended.add(rows.getString(1));
        }
      }
    }
    try (Statement statement = connection.createStatement()) {
      for (String hex : ended) {
        drop(statement, "import_" + hex.replaceAll("[^0-9a-f]", "") + "_");
      }
    }
  }

  private static boolean exists(Statement statement, String table) throws SQLException {
    try (ResultSet row = statement.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      row.next();
      return row.getBoolean(1);
    }
  }
}
