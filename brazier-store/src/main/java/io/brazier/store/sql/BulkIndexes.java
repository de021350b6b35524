package io.brazier.store.sql;

import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search indexes an import into an empty store builds in bulk: a B-tree or GIN index is built from sorted
 * rows several times faster than it is maintained row by row (the trigram index of strings most of all). They are
 * dropped with their definitions recorded ({@code import_index}) in one transaction, and each is built again in a
 * transaction that forgets its record, so that a build cut short resumes with the indexes still missing.
 */
final class BulkIndexes {
  private static final Logger log = LoggerFactory.getLogger(BulkIndexes.class);
  /** Memory for each build's sort; two builds run at once beside the server's own use. */
  private static final String BUILD_MEMORY = "256MB";

  private final DataSource dataSource;

  BulkIndexes(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  boolean drop(String job) {
    String indexes = """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = ANY(?) AND i.indexname NOT LIKE '%\\_rid'
           AND NOT EXISTS (SELECT 1 FROM resource)""";
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<String[]> dropped = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(indexes)) {
          statement.setArray(1, connection.createArrayOf("text", IndexWriter.TABLES.toArray()));
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              dropped.add(new String[] {rows.getString(1), rows.getString(2)});
            }
          }
        }
        try (PreparedStatement record = connection.prepareStatement(
            "INSERT INTO import_index (name, job, definition) VALUES (?, ?, ?)");
            Statement statement = connection.createStatement()) {
          for (String[] index : dropped) {
            record.setString(1, index[0]);
            record.setObject(2, UUID.fromString(job));
            record.setString(3, index[1]);
            record.executeUpdate();
            statement.execute("DROP INDEX " + index[0]);
          }
        }
        connection.commit();
        return !dropped.isEmpty();
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not drop the search indexes for import " + job, e);
    }
  }

  /** Builds the recorded indexes whose import matches {@code which} ({@code job = ?} and its argument). */
  void restore(String which, Object argument, int parallel) {
    List<String> names = recorded(which, argument);
    if (names.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    ExecutorService builders = Executors.newFixedThreadPool(Math.max(1, parallel));
    try {
      List<Future<?>> builds = new ArrayList<>();
      for (String name : names) {
        builds.add(builders.submit(() -> build(name)));
      }
      for (Future<?> build : builds) {
        build.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreFailure("Interrupted while building search indexes", new SQLException(e));
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StoreFailure failure ? failure
          : new StoreFailure("Could not build search indexes", new SQLException(e.getCause()));
    } finally {
      builders.shutdownNow();
    }
    log.info("Search indexes built count={} ms={}", names.size(), (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * The recorded indexes whose import matches {@code which}, longest build first, so that the builders running
   * side by side finish together rather than one of them last on a long build: GIN indexes first (several times a
   * B-tree's cost per row; the trigram index of strings takes a third of all the builds), then by their table's size.
   */
  List<String> recorded(String which, Object argument) {
    String sql = "SELECT name FROM import_index i WHERE " + which + " ORDER BY i.definition LIKE '% USING gin %' DESC,"
        + " coalesce(pg_relation_size(to_regclass(substring(i.definition FROM ' ON (\\S+) USING '))), 0) DESC, name";
    List<String> names = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      if (argument != null) {
        statement.setObject(1, argument);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the indexes to build", e);
    }
    return names;
  }

  private Void build(String name) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement();
          PreparedStatement record = connection.prepareStatement(
              "DELETE FROM import_index WHERE name = ? RETURNING definition")) {
        statement.execute("SET LOCAL statement_timeout = 0");
        statement.execute("SET LOCAL maintenance_work_mem = '" + BUILD_MEMORY + "'");
        // The builds run side by side already: workers of their own would only compete for the same cores.
        statement.execute("SET LOCAL max_parallel_maintenance_workers = 0");
        record.setString(1, name);
        try (ResultSet row = record.executeQuery()) {
          if (row.next()) {
            statement.execute(row.getString(1).replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX IF NOT EXISTS "));
          }
        }
        connection.commit();
        return null;
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not build search index " + name, e);
    }
  }
}
