package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.ImportBatch;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import io.brazier.store.Imports.Staging;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.TestStore;
import io.brazier.testkit.Eventually;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An import into an empty store writes its index rows once, straight into the live tables: searches find what was
 * merged, and nothing is left under a rid that no resource has, whatever becomes of the lines (history, superseded,
 * failed) or of the import (cancelled, its staging lost in a real crash of the database).
 */
class DirectIndexesTest {
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private final TestStore test = TestStore.own();
  private final PostgresStore store = test.store();
  private final Imports imports = store.imports();
  private final String job = store.jobs().submit("import", "{}", null);

  {
    store.jobs().claim("node", Set.of("import"), LEASE).orElseThrow();
  }

  @AfterEach
  void close() {
    test.close();
  }

  @Test
  void mergedLinesAreFoundByTheRowsWrittenWhenStagedAndOtherLinesLeaveNone() throws SQLException {
    imports.open(job);
    boolean dropped = imports.dropIndexes(job);
    Instant t1 = Instant.parse("2020-01-01T00:00:00Z");
    Instant t2 = Instant.parse("2021-01-01T00:00:00Z");
    imports.stage(batch(0, line(1, "one", null, null, "Alpha"), line(2, "two", 1, t1, "Old"),
        line(3, "two", 2, t2, "Beta"), line(4, "bad", null, null, "Gamma")), beat());
    long whileStaged = rows("search_string");

    imports.reject(job, List.of(new Failure(ImportLine.seq(0, 4), bytes("{}"))));
    imports.merge(job, 0, NOW, beat(), TestStore::refusedLine);
    imports.restoreIndexes(job, 2);

    assertThat(dropped).isTrue();
    assertThat(whileStaged).as("live before the merge").isPositive();
    assertThat(test.ids("Patient", "family=smith")).containsExactlyInAnyOrder("one", "two");
    assertThat(test.ids("Patient", "given=beta")).containsExactly("two");
    assertThat(test.ids("Patient", "given=old,gamma")).isEmpty();
    assertThat(orphans()).isZero();
  }

  @Test
  void aLineForAResourceStoredMeanwhileMovesItsRowsToThatResource() throws SQLException {
    imports.open(job);
    imports.dropIndexes(job);
    imports.stage(batch(0, line(1, "taken", null, null, "Imported")), beat());
    test.save((Resource) test.fhir().jsonParser().parseResource(json("taken", "Written")));

    imports.merge(job, 0, NOW, beat(), TestStore::refusedLine);

    assertThat(test.ids("Patient", "given=imported")).containsExactly("taken");
    assertThat(test.ids("Patient", "given=written")).isEmpty();
    assertThat(orphans()).isZero();
  }

  @Test
  void aResourceInTwoBatchesIsFoundStoredByTheLaterOneWhichMakesItsNextVersion() throws SQLException {
    imports.open(job);
    imports.dropIndexes(job);
    Instant t1 = Instant.parse("2020-01-01T00:00:00Z");
    Instant t2 = Instant.parse("2021-01-01T00:00:00Z");
    imports.stage(batch(0, line(1, "twice", 1, t1, "First"), line(2, "once", null, null, "Only")), beat());
    imports.stage(batch(1, line(3, "twice", 2, t2, "Second"), line(4, "new", null, null, "Later")), beat());

    imports.merge(job, 0, NOW, beat(), TestStore::refusedLine);
    imports.merge(job, 1, NOW, beat(), TestStore::refusedLine);
    imports.restoreIndexes(job, 2);

    assertThat(store.current("Patient", "twice").orElseThrow().version()).isEqualTo(2);
    assertThat(store.version("Patient", "twice", 1).orElseThrow().lastUpdated()).isEqualTo(t1);
    assertThat(test.ids("Patient", "given=second,only,later")).containsExactlyInAnyOrder("twice", "once", "new");
    assertThat(test.ids("Patient", "given=first")).isEmpty();
    assertThat(orphans()).isZero();
  }

  @Test
  void aCancelledImportLeavesNoRowsOfTheLinesItDidNotMerge() throws SQLException {
    imports.open(job);
    imports.dropIndexes(job);
    imports.stage(batch(0, line(1, "merged", null, null, "Kept")), beat());
    imports.stage(batch(1, line(2, "unmerged", null, null, "Dropped")), beat());
    imports.merge(job, 0, NOW, beat(), TestStore::refusedLine);

    store.jobs().cancel(job);
    imports.close(job);

    assertThat(test.ids("Patient", "family=smith")).containsExactly("merged");
    assertThat(rows("search_string")).isPositive();
    assertThat(orphans()).isZero();
  }

  @Test
  void theRowsOfAStagingLostInADatabaseCrashAreDeletedWhenItIsMadeAgain() throws Exception {
    imports.open(job);
    imports.dropIndexes(job);
    imports.stage(batch(0, line(1, "lost", null, null, "Crashed")), beat());
    long before = orphans();

    crashDatabase();
    Staging again = imports.open(job);

    assertThat(before).isPositive();
    assertThat(again).isEqualTo(Staging.LOST);
    assertThat(orphans()).isZero();
  }

  /**
   * Kills a backend with SIGKILL: PostgreSQL ends every other backend, restarts and recovers, emptying unlogged
   * tables. Until PostgreSQL has met the crash the other backends still answer, so that a query answering says
   * nothing yet: a witness connection, which the restart ends, says when it has.
   */
  private void crashDatabase() throws Exception {
    try (Connection killed = connect(); Connection witness = connect()) {
      ProcessHandle.of(backendPid(killed)).orElseThrow().destroyForcibly();
      await(() -> ended(witness), "PostgreSQL ended the other backends");
    }
    await(this::recovered, "PostgreSQL recovered");
  }

  /** A connection of its own, outside the store's pool, as another client's. */
  private Connection connect() throws SQLException {
    var pool = test.database().pool();
    return DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
  }

  private static long backendPid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
      row.next();
      return row.getLong(1);
    }
  }

  private static boolean ended(Connection connection) {
    try {
      return !connection.isValid(1);
    } catch (SQLException e) {
      return true;
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    Eventually.until(Duration.ofSeconds(60), what, condition);
  }

  private boolean recovered() {
    try (Connection connection = test.database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Index rows (of every table) under a rid that no resource has. */
  private long orphans() throws SQLException {
    long orphans = 0;
    for (String table : IndexWriter.TABLES) {
      orphans += count("SELECT count(*) FROM " + table + " t WHERE NOT EXISTS (SELECT 1 FROM resource r"
          + " WHERE r.rid = t.rid)");
    }
    return orphans;
  }

  private long rows(String table) throws SQLException {
    return count("SELECT count(*) FROM " + table);
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = test.database().dataSource().getConnection();
        Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static ImportBatch batch(int number, ImportLine... lines) {
    return new ImportBatch(number, List.of(lines), List.of(), List.of(), List.of());
  }

  /** A Patient line as the server stages it: no versionId or lastUpdated in its JSON, meta first. */
  private ImportLine line(long line, String id, Integer version, Instant lastUpdated, String given) {
    String json = json(id, given);
    Resource resource = (Resource) test.fhir().jsonParser().parseResource(json);
    byte[] bytes = bytes(json);
    return new ImportLine(ImportLine.seq(0, line), "Patient", id, version, lastUpdated,
        lastUpdated == null ? null : lastUpdated.toString(), bytes, json.indexOf("\"meta\":{") + 8,
        test.search().extractor().extract(resource, bytes), List.of(), List.of());
  }

  private static String json(String id, String given) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{},\"name\":[{\"family\":\"Smith\","
        + "\"given\":[\"" + given + "\"]}]}";
  }

  private JobHeartbeat beat() {
    return new JobHeartbeat(job, "node", 0, null, "{\"phase\": \"test\"}", LEASE);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
