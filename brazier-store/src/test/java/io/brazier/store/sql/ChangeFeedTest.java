package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.brazier.store.Change;
import io.brazier.store.Change.Action;
import io.brazier.store.ChangePage;
import io.brazier.store.ChangeQuery;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestDatabase;
import io.brazier.store.TestDatabase.HeldLock;
import io.brazier.store.VersionConflictException;
import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
  void eachChangeCarriesTheTypeIdVersionActionTimeAndSourceOfItsWrite() {
    long start = lastSequence();
    Instant now = Instant.parse("2024-05-01T10:00:00Z");
    store.commit(List.of(write("Patient", "feed-1", 1, now)));
    store.commit(List.of(sourced(write("Patient", "feed-1", 2, now.plusSeconds(1)), "urn:brazier:sync")));
    store.commit(List.of(Write.delete("Patient", "feed-1", 3, now.plusSeconds(2), "urn:brazier:loader")));

    store.numberChanges();
    List<Change> changes = changes(start, 10);

    assertThat(changes).extracting(Change::type, Change::id, Change::version, Change::action, Change::at,
            Change::source, Change::resource)
        .containsExactly(
            tuple("Patient", "feed-1", 1, Action.CREATE, now, null, null),
            tuple("Patient", "feed-1", 2, Action.UPDATE, now.plusSeconds(1), "urn:brazier:sync", null),
            tuple("Patient", "feed-1", 3, Action.DELETE, now.plusSeconds(2), "urn:brazier:loader", null));
    assertThat(changes(changes.get(2).sequence(), 10)).isEmpty();
  }

  @Test
  void aPageWithoutResourcesReadsOnlyTheChangeRowsWhichTellACreationByPut() throws Exception {
    long start = lastSequence();
    String put = "feed-put-" + UUID.randomUUID();
    String posted = "feed-posted-" + UUID.randomUUID();
    store.commit(List.of(write("Patient", put, 1, Instant.now()).byPut()));
    store.commit(List.of(write("Patient", posted, 1, Instant.now())));
    store.commit(List.of(write("Patient", put, 2, Instant.now())));
    store.numberChanges();

    List<Change> changes;
    try (HeldLock resources = TestDatabase.lockTable(database, "resource")) {
      changes = CompletableFuture.supplyAsync(() -> changes(start, 10)).get(10, TimeUnit.SECONDS);
    }

    assertThat(changes).extracting(Change::id, Change::action, Change::createdByPut).containsExactly(
        tuple(put, Action.CREATE, true), tuple(posted, Action.CREATE, false), tuple(put, Action.UPDATE, false));
  }

  @Test
  void withResourcesEachChangeCarriesTheVersionItWrote() {
    long start = lastSequence();
    Write first = write("Patient", "feed-2", 1, Instant.now());
    Write second = write("Patient", "feed-2", 2, Instant.now());
    store.commit(List.of(first));
    store.commit(List.of(second));
    store.commit(List.of(Write.delete("Patient", "feed-2", 3, Instant.now())));
    store.numberChanges();

    List<Change> changes = store.changes(new ChangeQuery(start, Set.of(), 10, Duration.ZERO, true)).changes();

    assertThat(changes).extracting(Change::resource).containsExactly(first.json(), second.json(), null);
  }

  @Test
  void aPageOfSomeTypesSkipsTheOthersAndEndsAtTheNewestSequenceUnlessItIsFull() {
    long start = lastSequence();
    String id = "feed-" + UUID.randomUUID();
    store.commit(List.of(write("Patient", id, 1, Instant.now())));
    store.commit(List.of(write("Observation", id, 1, Instant.now())));
    store.commit(List.of(write("Patient", id, 2, Instant.now())));
    long newest = lastSequence();

    ChangePage observations = store.changes(new ChangeQuery(start, Set.of("Observation"), 10, Duration.ZERO, false));
    ChangePage onePatient = store.changes(new ChangeQuery(start, Set.of("Patient"), 1, Duration.ZERO, false));

    assertThat(observations.changes()).extracting(Change::type, Change::id).containsExactly(tuple("Observation", id));
    assertThat(observations.last()).isEqualTo(newest);
    assertThat(onePatient.changes()).extracting(Change::version).containsExactly(1);
    assertThat(onePatient.last()).isEqualTo(onePatient.changes().get(0).sequence());
  }

  @Test
  void aPageOfSomeTypesLooksAtALimitedStretchOfTheFeedAndAWaitingReaderReadsOnPastIt() throws SQLException {
    long start = lastSequence();
    String id = "feed-" + UUID.randomUUID();
    execute("ALTER TABLE change DISABLE TRIGGER slow_commit"); // ten thousand rows, quickly
    try {
      for (int batch = 0; batch < ChangeFeed.SCAN / 1000 + 1; batch++) {
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          writes.add(write("Patient", "many-" + UUID.randomUUID(), 1, Instant.now()));
        }
        store.commit(writes);
      }
      store.commit(List.of(write("Observation", id, 1, Instant.now())));
    } finally {
      execute("ALTER TABLE change ENABLE TRIGGER slow_commit");
    }
    store.numberChanges();

    ChangePage first = store.changes(new ChangeQuery(start, Set.of("Observation"), 10, Duration.ZERO, false));
    ChangePage second = store.changes(new ChangeQuery(first.last(), Set.of("Observation"), 10, Duration.ZERO, false));
    ChangePage waited = store.changes(new ChangeQuery(start, Set.of("Observation"), 10, Duration.ofSeconds(30),
        false));

    assertThat(first.changes()).isEmpty();
    assertThat(first.last()).isEqualTo(start + ChangeFeed.SCAN);
    assertThat(second.changes()).extracting(Change::id).containsExactly(id);
    assertThat(waited.changes()).extracting(Change::id).containsExactly(id);
  }

  @Test
  void aWaitingReaderAnswersAsSoonAsAnotherNodeCommitsAChangeOfItsTypes() throws Exception {
    long start = lastSequence();
    String id = "feed-" + UUID.randomUUID();
    try (PostgresStore other = otherNode()) {
      CompletableFuture<ChangePage> waiting = CompletableFuture.supplyAsync(() ->
          store.changes(new ChangeQuery(start, Set.of("Observation"), 10, Duration.ofSeconds(60), false)));
      Thread.sleep(200);

      other.commit(List.of(write("Patient", id, 1, Instant.now())));
      Thread.sleep(200);
      boolean wokenByOtherTypes = waiting.isDone();
      other.commit(List.of(write("Observation", id, 1, Instant.now())));
      ChangePage page = waiting.get(30, TimeUnit.SECONDS);

      assertThat(wokenByOtherTypes).isFalse();
      assertThat(page.changes()).extracting(Change::type, Change::id).containsExactly(tuple("Observation", id));
    }
  }

  @Test
  void aWaitingReaderWithNothingNewAnswersEmptyAtItsDeadline() {
    long start = lastSequence();
    long began = System.nanoTime();

    ChangePage page = store.changes(new ChangeQuery(start, Set.of("Observation"), 10, Duration.ofMillis(300), false));

    assertThat(page.changes()).isEmpty();
    assertThat(page.last()).isEqualTo(start);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  /**
   * Readers read numbered rows and nothing else: they answer while the sequencer's lock is held (a numbering that
   * takes long, on any node), together, and while writers commit.
   */
  @Test
  void readersAnswerTogetherWhileTheSequencerIsBusyAndWritersCommit() throws Exception {
    int readers = 8;
    CyclicBarrier go = new CyclicBarrier(readers + 1);
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger mostReading = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(readers + 1);
    try (Connection busy = database.dataSource().getConnection(); Statement statement = busy.createStatement()) {
      busy.setAutoCommit(false);
      statement.execute("SELECT pg_advisory_xact_lock(" + ChangeSequencer.SEQUENCER_LOCK + ")");
      List<Future<Integer>> reads = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        reads.add(threads.submit(() -> {
          go.await();
          mostReading.accumulateAndGet(reading.incrementAndGet(), Math::max);
          try {
            int pages = 0;
            for (; pages < 20; pages++) {
              changes(0, 100);
            }
            return pages;
          } finally {
            reading.decrementAndGet();
          }
        }));
      }
      Future<?> writer = threads.submit(() -> {
        go.await();
        for (int n = 0; n < 20; n++) {
          store.commit(List.of(write("Patient", "busy-" + UUID.randomUUID(), 1, Instant.now())));
        }
        return null;
      });

      for (Future<Integer> read : reads) {
        assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(20);
      }
      writer.get(60, TimeUnit.SECONDS);
      assertThat(mostReading.get()).as("readers at once").isGreaterThan(1);
      busy.rollback();
    } finally {
      threads.shutdownNow();
    }
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
      List<Change> page = changes(since, 50);
      seen.addAll(page);
      if (!page.isEmpty()) {
        since = page.get(page.size() - 1).sequence();
      }
    }
    drain(since, seen);
  }

  private static long drain(long since, List<Change> seen) {
    store.numberChanges();
    for (List<Change> page; !(page = changes(since, 500)).isEmpty(); ) {
      seen.addAll(page);
      since = page.get(page.size() - 1).sequence();
    }
    return since;
  }

  private static List<Change> changes(long since, int count) {
    return store.changes(ChangeQuery.after(since, count)).changes();
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

  private static void execute(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Another node on the same database: its own pool, store, sequencer and listener. */
  private static PostgresStore otherNode() {
    Database own = Database.open(new DatabaseConfig(database.pool().getJdbcUrl(), database.pool().getUsername(),
        database.pool().getPassword(), null, 4, Duration.ofSeconds(30)));
    return new PostgresStore(own, TYPES).startChangeSequencer();
  }

  private static Write sourced(Write write, String source) {
    return new Write(write.type(), write.id(), write.version(), write.lastUpdated(), write.json(), write.index(),
        source);
  }

  private static Write write(String type, String id, int version, Instant at) {
    String json = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
        + "\"}}";
    return new Write(type, id, version, at, json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY);
  }
}
