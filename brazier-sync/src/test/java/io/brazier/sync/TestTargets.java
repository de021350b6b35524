package io.brazier.sync;

import io.brazier.server.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Targets for the sync tests, each test its own schema: in a second embedded PostgreSQL (another database, as an
 * external system of engagement would be), or in a FHIR server's own database (the embedded target of
 * {@code brazier serve --sync}). And plain JDBC to look at what the agent wrote.
 */
public final class TestTargets {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres other;

  private TestTargets() {}

  /** A fresh schema in the second PostgreSQL, started once per test JVM. */
  public static synchronized TargetConfig inOtherDatabase() {
    if (other == null) {
      try {
        other = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          other.close();
        } catch (IOException e) {
          // The JVM is going anyway.
        }
      }));
    }
    return new TargetConfig(other.getJdbcUrl("postgres", "postgres"), "postgres", null, schema(), 10);
  }

  /** A fresh schema in the FHIR server's own database, beside the store's tables. */
  public static TargetConfig inServerDatabase(TestServer server) {
    var pool = server.database().pool();
    return new TargetConfig(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword(), schema(), 10);
  }

  private static String schema() {
    return "crm_test_" + SCHEMAS.incrementAndGet() + "_" + ProcessHandle.current().pid();
  }

  /** The rows a query answers, each a map of column to value. */
  public static List<Map<String, Object>> rows(TargetConfig target, String sql, Object... parameters) {
    try (Connection connection = DriverManager.getConnection(target.url(), target.user(), target.password())) {
      try (var statement = connection.createStatement()) {
        statement.execute("SET search_path = " + target.schema());
      }
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < parameters.length; i++) {
          statement.setObject(i + 1, parameters[i]);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
          ResultSetMetaData meta = result.getMetaData();
          while (result.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int column = 1; column <= meta.getColumnCount(); column++) {
              row.put(meta.getColumnName(column), result.getObject(column));
            }
            rows.add(row);
          }
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** A statement run in the target's schema, as the target's owner would run it. */
  public static void execute(TargetConfig target, String sql) {
    try (Connection connection = DriverManager.getConnection(target.url(), target.user(), target.password());
        var statement = connection.createStatement()) {
      statement.execute("SET search_path = " + target.schema());
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The one number a query answers (a count). */
  public static long number(TargetConfig target, String sql, Object... parameters) {
    List<Map<String, Object>> rows = rows(target, sql, parameters);
    return ((Number) rows.get(0).values().iterator().next()).longValue();
  }
}
