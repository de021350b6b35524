package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.brazier.store.Change;
import io.brazier.store.Change.Action;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.ResourceVersion;
import io.brazier.store.VersionConflictException;
import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change feed's promise to its readers: resuming after the last sequence seen never skips a committed write. The
 * danger is a transaction that takes a number early and commits late, after later numbers were served; this test
 * makes such transactions happen for real (a deferred trigger sleeps at commit time, after the change row is
 * written) while a reader polls, so a feed that numbered rows as they were inserted would lose writes here.
 */
class ChangeFeedTest {
  private static final int WRITERS = 8;
  private static final int WRITES_PER_WRITER = 120;
  private static final int RESOURCES_PER_TYPE = 16;
  private static final List<String> TYPES = List.of("Patient", "Observation");

  @TempDir
  static Path dataDir;
  private static PostgresStore store;
  private static Database database;

  record Written(String type, String id, int version) {}

  @BeforeAll
  static void start() throws SQLException {
    database = Database.open(DatabaseConfig.embedded(dataDir));
    store = new PostgresStore(database, TYPES).startChangeSequencer();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("""
          CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF random() < 0.3 THEN
              PERFORM pg_sleep(random() * 0.03);
            END IF;
            RETURN NULL;
          END $$""");
      statement.execute("""
          CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON change
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit()""");
    }
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @Test
  void aReaderResumingFromItsLastSequenceSeesEveryCommittedWriteOnceInCommitOrder() throws Exception {
    long start = lastSequence();
    Queue<Written> committed = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Change> seen = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 1);
    Future<?> reader = threads.submit(() -> read(start, writing, seen));
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Random random = new Random(w);
      writers.add(threads.submit(() -> write(random, committed)));
    }

    try {
      for (Future<?> writer : writers) {
        writer.get();
      }
    } finally {
      writing.set(false);
      threads.shutdown();
    }
    reader.get();

    assertThat(seen).extracting(Change::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(seen).extracting(c -> new Written(c.type(), c.id(), c.version()))
        .containsExactlyInAnyOrderElementsOf(committed);
    Map<String, List<Integer>> versionsByResource = new LinkedHashMap<>();
    for (Change change : seen) {
      versionsByResource.computeIfAbsent(change.type() + "/" + change.id(), k -> new ArrayList<>()).add(change.version());
    }
    versionsByResource.values().forEach(versions -> assertThat(versions).isSorted().doesNotHaveDuplicates());
    assertThat(outOfOrderCommits()).as("transactions that committed after a later-inserted one").isPositive();
  }

  @Test
  void eachChangeCarriesTheTypeIdVersionActionAndTimeOfItsWrite() {
    long start = lastSequence();
    Instant now = Instant.parse("2024-05-01T10:00:00Z");
    store.commit(List.of(write("Patient", "feed-1", 1, now)));
    store.commit(List.of(write("Patient", "feed-1", 2, now.plusSeconds(1))));
    store.commit(List.of(Write.delete("Patient", "feed-1", 3, now.plusSeconds(2))));

    List<Change> changes = store.changes(start, 10);

    assertThat(changes).extracting(Change::type, Change::id, Change::version, Change::action, Change::at)
        .containsExactly(
            tuple("Patient", "feed-1", 1, Action.CREATE, now),
            tuple("Patient", "feed-1", 2, Action.UPDATE, now.plusSeconds(1)),
            tuple("Patient", "feed-1", 3, Action.DELETE, now.plusSeconds(2)));
    assertThat(store.changes(changes.get(2).sequence(), 10)).isEmpty();
  }

  /** One writer: creates, updates and deletes resources that the other writers change too, alone or in batches. */
  private static void write(Random random, Queue<Written> committed) {
    for (int n = 0; n < WRITES_PER_WRITER; n++) {
      String type = TYPES.get(random.nextInt(TYPES.size()));
      int first = random.nextInt(RESOURCES_PER_TYPE);
      List<Write> batch = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        String id = "r" + (first + i) % RESOURCES_PER_TYPE;
        ResourceVersion current = store.current(type, id).orElse(null);
        int version = current == null ? 1 : current.version() + 1;
        boolean delete = current != null && !current.deleted() && random.nextInt(5) == 0;
        batch.add(delete ? Write.delete(type, id, version, Instant.now()) : write(type, id, version, Instant.now()));
      }
      if (random.nextInt(4) == 0) {
        // Small batches share group commits, one at a time; a batch this large commits on its own, concurrently.
        for (int i = 0; i < GroupCommit.MAX_GROUPED_BATCH; i++) {
          batch.add(write(type, "filler-" + UUID.randomUUID(), 1, Instant.now()));
        }
      }
      try {
        store.commit(batch);
        batch.forEach(w -> committed.add(new Written(w.type(), w.id(), w.version())));
      } catch (VersionConflictException e) {
        // Another writer changed one of these first; the whole batch rolled back and wrote no change.
      }
    }
  }

  /** The reader: polls from its last sequence while the writers run, then until it has caught up. */
  private static void read(long start, AtomicBoolean writing, List<Change> seen) {
    long since = start;
    while (writing.get()) {
      List<Change> page = store.changes(since, 50);
      seen.addAll(page);
      if (!page.isEmpty()) {
        since = page.get(page.size() - 1).sequence();
      }
    }
    drain(since, seen);
  }

  private static long drain(long since, List<Change> seen) {
    for (List<Change> page; !(page = store.changes(since, 500)).isEmpty(); ) {
      seen.addAll(page);
      since = page.get(page.size() - 1).sequence();
    }
    return since;
  }

  private static long lastSequence() {
    return drain(0, new ArrayList<>());
  }

  /** How many change rows were numbered after a row inserted later than them: each is a late commit. */
  private static int outOfOrderCommits() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("""
            SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY seq) AS previous FROM change) c
             WHERE c.id < c.previous""")) {
      row.next();
      return row.getInt(1);
    }
  }

  private static Write write(String type, String id, int version, Instant at) {
    String json = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
        + "\"}}";
    return new Write(type, id, version, at, json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY);
  }
}
