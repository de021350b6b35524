package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.Change;
import io.brazier.store.ChangeQuery;
import io.brazier.store.ChangesGone;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.TestDatabase;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change feed keeps what {@code --changes-retention} says, and a reader that asks for more than it keeps is told
 * so rather than given a page with a gap. The database is this class's own, and each test starts from an empty feed.
 */
class ChangeRetentionTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Instant OLD = Instant.now().minus(Duration.ofDays(10));

  @TempDir
  static Path dataDir;
  private static Database database;
  private static PostgresStore store;

  @BeforeAll
  static void start() {
    database = Database.open(DatabaseConfig.embedded(dataDir));
    store = new PostgresStore(database, List.of("Patient"));
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @BeforeEach
  void emptyFeed() throws SQLException {
    execute("DELETE FROM change");
  }

  @Test
  void changesOlderThanTheRetentionAreDeletedAndAReaderOfThemIsToldItMissedSome() {
    commit(OLD, OLD, OLD, Instant.now(), Instant.now());
    List<Change> all = read(0);

    int pruned = store.pruneChanges(DAY);

    assertThat(pruned).isEqualTo(3);
    assertThatThrownBy(() -> read(0)).isInstanceOfSatisfying(ChangesGone.class, gone -> {
      assertThat(gone.firstKept()).isEqualTo(all.get(3).sequence());
      assertThat(gone.latest()).isEqualTo(all.get(4).sequence());
    });
    assertThatThrownBy(() -> read(all.get(1).sequence())).isInstanceOf(ChangesGone.class);
    assertThat(read(all.get(2).sequence())).extracting(Change::sequence)
        .containsExactly(all.get(3).sequence(), all.get(4).sequence());
  }

  @Test
  void theNewestChangeIsKeptSoThatNumberingGoesOnAfterIt() {
    commit(OLD, OLD);
    List<Change> all = read(0);

    store.pruneChanges(DAY);
    commit(Instant.now());

    assertThat(read(all.get(1).sequence())).extracting(Change::sequence)
        .containsExactly(all.get(1).sequence() + 1);
  }

  @Test
  void aRecentChangeStopsThePruningSoThatTheFeedKeepsNoGap() {
    commit(OLD, Instant.now(), OLD, Instant.now());
    List<Change> all = read(0);

    store.pruneChanges(DAY);

    assertThat(read(all.get(0).sequence())).extracting(Change::sequence)
        .containsExactlyElementsOf(all.subList(1, 4).stream().map(Change::sequence).toList());
  }

  @Test
  void aNodeThatFindsAnotherPruningLeavesItTheWork() throws SQLException {
    commit(OLD, OLD, Instant.now());

    int pruned;
    try (Connection other = database.dataSource().getConnection(); Statement statement = other.createStatement()) {
      other.setAutoCommit(false);
      statement.execute("SELECT pg_advisory_xact_lock(" + ChangeRetention.RETENTION_LOCK + ")");
      pruned = store.pruneChanges(DAY);
      other.rollback();
    }

    assertThat(pruned).isZero();
    assertThat(read(0)).hasSize(3);
  }

  @Test
  void aChangeCommittedButNotNumberedYetIsKeptHoweverOldAndNumberedAfterThePruning() throws SQLException {
    commit(OLD, OLD, Instant.now());
    List<Change> numbered = read(0);
    String id = UUID.randomUUID().toString();
    store.commit(List.of(new Write("Patient", id, 1, OLD, patient(id), SearchIndex.EMPTY)));

    int pruned = store.pruneChanges(DAY);
    long unnumbered = TestDatabase.unnumberedChanges(database);
    store.numberChanges();

    assertThat(pruned).isEqualTo(2);
    assertThat(unnumbered).isEqualTo(1);
    assertThat(read(numbered.get(2).sequence())).extracting(Change::id).containsExactly(id);
  }

  @Test
  void aBacklogLargerThanOneBatchIsPrunedWholeInOnePass() throws SQLException {
    int rows = 10_002;
    execute("""
        INSERT INTO change (seq, type, res_id, version, action, at)
        SELECT s, (SELECT id FROM resource_type WHERE name = 'Patient'), 'bulk-' || s, 1, 'C',
               now() - interval '10 days'
          FROM generate_series((SELECT coalesce(max(seq), 0) + 1 FROM change),
                               (SELECT coalesce(max(seq), 0) FROM change) + %d) s""".formatted(rows));

    int pruned = store.pruneChanges(DAY);

    assertThat(pruned).as("all but the newest, over two batches").isEqualTo(rows - 1);
    assertThat(count("SELECT count(*) FROM change")).isEqualTo(1);
  }

  @Test
  void retentionStartsOnceAndANodeThatStartedItCannotStartItAgain() {
    try (ChangeRetention retention = new ChangeRetention(database.dataSource())) {
      retention.start(DAY);

      assertThatThrownBy(() -> retention.start(DAY)).isInstanceOf(IllegalStateException.class)
          .hasMessage("Change retention is already running");
    }
  }

  /** Commits one Patient per time given, each in its own transaction, in this order, and numbers them. */
  private static void commit(Instant... times) {
    for (Instant at : times) {
      String id = UUID.randomUUID().toString();
      store.commit(List.of(new Write("Patient", id, 1, at, patient(id), SearchIndex.EMPTY)));
    }
    store.numberChanges();
  }

  private static byte[] patient(String id) {
    return ("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static List<Change> read(long since) {
    return store.changes(ChangeQuery.after(since, 100)).changes();
  }

  private static long count(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
