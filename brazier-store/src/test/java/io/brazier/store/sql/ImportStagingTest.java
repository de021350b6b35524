package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.Imports.Staging;
import io.brazier.store.TestStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The staging tables of an import job: made once, found again, made anew when emptied, dropped whole. */
class ImportStagingTest {
  private final TestStore test = TestStore.shared();
  private final PostgresStore store = test.store();
  private final String kind = "import-staging-" + UUID.randomUUID();

  @Test
  void aStagingIsDroppedWholeAndAnotherJobsStagingStays() throws SQLException {
    String job = job();
    String other = job();
    try (Connection connection = connection(); Statement statement = connection.createStatement()) {
      ImportStaging.open(connection, job);
      ImportStaging.open(connection, other);
      long made = tables(connection, job);

      ImportStaging.drop(statement, ImportStaging.prefix(job));

      assertThat(made).as("its own tables and one per search index table")
          .isEqualTo(6 + IndexWriter.TABLES.size());
      assertThat(tables(connection, job)).isZero();
      assertThat(tables(connection, other)).isEqualTo(made);
    }
  }

  @Test
  void aStagingWhoseMarkerLostItsRowIsMadeAgainEmpty() throws SQLException {
    String job = job();
    try (Connection connection = connection(); Statement statement = connection.createStatement()) {
      Staging made = ImportStaging.open(connection, job);
      String prefix = ImportStaging.prefix(job);
      statement.execute("INSERT INTO " + prefix + "line (seq, batch, type, id, body, stamp_at) VALUES (1, 0, 1,"
          + " 'x', '\\x7b7d', 1)");
      Staging kept = ImportStaging.open(connection, job);
      // What a crash of the database leaves of an unlogged table, or a creation that stopped before its last row.
      statement.execute("DELETE FROM " + prefix + "marker");

      Staging lost = ImportStaging.open(connection, job);

      assertThat(made).isEqualTo(Staging.NEW);
      assertThat(kept).isEqualTo(Staging.KEPT);
      assertThat(lost).isEqualTo(Staging.LOST);
      assertThat(count(connection, "SELECT count(*) FROM " + prefix + "line")).isZero();
      assertThat(ImportStaging.open(connection, job)).as("marked again").isEqualTo(Staging.KEPT);
    }
  }

  @Test
  void theTablesThatGrowWithTheInputAreLeftAloneByAutovacuum() throws SQLException {
    String job = job();
    try (Connection connection = connection(); Statement statement = connection.createStatement()) {
      ImportStaging.open(connection, job);
      String prefix = ImportStaging.prefix(job);

      long vacuumed = count(connection, "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND starts_with(relname, '"
          + prefix + "') AND relname NOT IN ('" + prefix + "marker', '" + prefix + "since')"
          + " AND NOT coalesce(reloptions, '{}') @> '{autovacuum_enabled=false}'");
      long toastVacuumed = count(connection, "SELECT count(*) FROM pg_class c"
          + " JOIN pg_class t ON t.oid = c.reltoastrelid WHERE starts_with(c.relname, '" + prefix + "line')"
          + " AND NOT coalesce(t.reloptions, '{}') @> '{autovacuum_enabled=false}'");

      assertThat(vacuumed).as("tables autovacuum would scan").isZero();
      assertThat(toastVacuumed).as("the bodies' TOAST table").isZero();
      ImportStaging.drop(statement, prefix);
    }
  }

  @Test
  void aSweepDropsTheStagingOfEndedJobsOnlyWhateverTheirIds() throws SQLException {
    String running = job();
    store.jobs().claim("node", Set.of(kind), Duration.ofMinutes(5)).orElseThrow();
    String queued = job();
    String cancelled = job();
    String purged = UUID.randomUUID().toString();
    try (Connection connection = connection()) {
      for (String job : new String[] {running, queued, cancelled, purged}) {
        ImportStaging.open(connection, job);
      }
      store.jobs().cancel(cancelled);

      ImportStaging.sweep(connection, Duration.ZERO);

      assertThat(tables(connection, running)).isPositive();
      assertThat(tables(connection, queued)).isPositive();
      assertThat(tables(connection, cancelled)).isZero();
      assertThat(tables(connection, purged)).as("no job row at all").isZero();
      for (String job : new String[] {running, queued}) {
        try (Statement statement = connection.createStatement()) {
          ImportStaging.drop(statement, ImportStaging.prefix(job));
        }
      }
    }
  }

  @Test
  void aSweepLeavesTheStagingOfAJobThatEndedTooLatelyForItsRunnerToHaveStopped() throws SQLException {
    String cancelled = job();
    try (Connection connection = connection()) {
      ImportStaging.open(connection, cancelled);
      store.jobs().cancel(cancelled);

      ImportStaging.sweep(connection, Duration.ofMinutes(5));
      long meanwhile = tables(connection, cancelled);
      ImportStaging.sweep(connection, Duration.ZERO);

      assertThat(meanwhile).isPositive();
      assertThat(tables(connection, cancelled)).isZero();
    }
  }

  private String job() {
    return store.jobs().submit(kind, "{}", null);
  }

  private Connection connection() throws SQLException {
    return test.database().dataSource().getConnection();
  }

  /** The tables named with the job's prefix. */
  private static long tables(Connection connection, String job) throws SQLException {
    String sql = "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND starts_with(relname, ?)";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, ImportStaging.prefix(job));
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }
}
