package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.sync.TargetConfig;
import io.brazier.sync.TestTargets;
import io.brazier.testkit.ClosedPort;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The target database on a real PostgreSQL (a second embedded instance), each test in a schema of its own. */
class TargetDatabaseTest extends OnTargetDatabase {
  @Test
  void everyConnectionWorksInTheAgentsSchemaWithItsBookkeepingMigrated() throws Exception {
    String schema = database.transaction(connection -> text(connection.createStatement(),
        "SELECT current_schema()"));

    assertThat(schema).isEqualTo(config.schema()).isEqualTo(database.schema());
    assertThat(TestTargets.rows(config, "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
        config.schema())).extracting(row -> row.get("table_name"))
        .contains("sync_schema_history", "sync_version", "sync_checkpoint", "sync_dead_letter", "sync_log",
            "sync_backfill");
  }

  @Test
  void workThatReturnsIsCommitted() throws Exception {
    int inserted = database.transaction(connection -> connection.createStatement().executeUpdate(
        "INSERT INTO sync_checkpoint (source, worker, seq) VALUES ('fhir', 0, 7)"));

    assertThat(inserted).isOne();
    assertThat(TestTargets.number(config, "SELECT seq FROM sync_checkpoint")).isEqualTo(7);
  }

  @Test
  void workThatThrowsWritesNothingAndItsFailureReachesTheCaller() {
    IllegalStateException failure = new IllegalStateException("the map cannot take it");

    assertThatThrownBy(() -> database.transaction(connection -> {
      connection.createStatement().executeUpdate("INSERT INTO sync_checkpoint (source, worker, seq)"
          + " VALUES ('fhir', 0, 7)");
      throw failure;
    })).isSameAs(failure);
    assertThatThrownBy(() -> database.transaction(connection -> connection.createStatement().executeUpdate(
        "INSERT INTO sync_checkpoint (source, worker, seq) VALUES ('fhir', 1, 8), ('fhir', 1, 9)")))
        .isInstanceOf(SQLException.class).hasMessageContaining("sync_checkpoint");

    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_checkpoint")).isZero();
  }

  @Test
  void openingAgainFindsTheMigrationsApplied() {
    long history = TestTargets.number(config, "SELECT count(*) FROM sync_schema_history");

    try (TargetDatabase again = TargetDatabase.open(config)) {
      assertThat(again.schema()).isEqualTo(config.schema());
    }

    assertThat(history).isPositive();
    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_schema_history")).isEqualTo(history);
  }

  @Test
  void aDatabaseThatCannotBeReachedIsRefusedAtOpening() {
    String closed = ClosedPort.address();
    TargetConfig nowhere = new TargetConfig("jdbc:postgresql://" + closed + "/crm", "crm", null, "crm", 2);

    assertThatThrownBy(() -> TargetDatabase.open(nowhere)).isInstanceOf(RuntimeException.class)
        .hasStackTraceContaining(closed);
  }

  private static String text(Statement statement, String sql) throws SQLException {
    try (statement; ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
