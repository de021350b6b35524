package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.groups.Tuple.tuple;

import io.brazier.fhir.DateTimeRange;
import io.brazier.store.AsOfScan;
import io.brazier.store.Change;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.HistoryQuery;
import io.brazier.store.ImportBatch;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import io.brazier.store.Imports.Merged;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestDatabase;
import io.brazier.store.TestDatabase.HeldLock;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * One staged batch merged into the live tables: the bodies it writes, the lines it refuses, and a batch raced by
 * another writer.
 */
class ImportMergeTest {
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final String NOW_TEXT = "2026-12-05T10:00:00.000+00:00";
  private static final Instant T1 = Instant.parse("2020-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2021-01-01T00:00:00Z");

  private final TestStore test = TestStore.shared();
  private final PostgresStore store = test.store();
  private final Imports imports = store.imports();
  private final String kind = "import-merge-" + UUID.randomUUID();
  private final String job = store.jobs().submit(kind, "{}", null);
  private final String owner = "node-" + UUID.randomUUID();

  {
    store.jobs().claim(owner, Set.of(kind), LEASE).orElseThrow();
    imports.open(job);
  }

  @Test
  void theStoredBodyIsTheStagedJsonWithTheVersionAndLastUpdatedFirstInAnEmptyMeta() {
    String id = id();
    String staged = patient(id, "{}", "Empty");

    merge(batch(0, line(1, id, null, null, staged)));

    assertThat(body(store.current("Patient", id).orElseThrow())).isEqualTo(patient(id,
        "{\"versionId\":\"1\",\"lastUpdated\":\"" + NOW_TEXT + "\"}", "Empty"));
  }

  @Test
  void theStoredBodyKeepsTheMembersOfMetaAfterTheVersionAndLastUpdated() {
    String id = id();
    String meta = "{\"profile\":[\"http://example.org/p\"],\"tag\":[{\"code\":\"t\"}]}";

    merge(batch(0, line(1, id, null, null, patient(id, meta, "Members"))));

    assertThat(body(store.current("Patient", id).orElseThrow())).isEqualTo(patient(id,
        "{\"versionId\":\"1\",\"lastUpdated\":\"" + NOW_TEXT + "\"," + meta.substring(1), "Members"));
  }

  @Test
  void versionsGoingToHistoryAreStampedWithTheirOwnVersionAndLastUpdatedAsWritten() {
    String id = id();
    Instant t1 = Instant.parse("2020-01-01T00:00:00Z");
    String meta = "{\"source\":\"#a\"}";

    merge(batch(0, new ImportLine(ImportLine.seq(0, 1), "Patient", id, 1, t1, "2020-01-01T02:00:00+02:00",
        bytes(patient(id, meta, "Old")), stampAt(patient(id, meta, "Old")), index(patient(id, meta, "Old")),
        List.of(), List.of()), line(2, id, 2, Instant.parse("2021-01-01T00:00:00Z"), patient(id, "{}", "New"))));

    assertThat(body(store.version("Patient", id, 1).orElseThrow())).isEqualTo(patient(id,
        "{\"versionId\":\"1\",\"lastUpdated\":\"2020-01-01T02:00:00+02:00\",\"source\":\"#a\"}", "Old"));
    assertThat(body(store.current("Patient", id).orElseThrow())).isEqualTo(patient(id,
        "{\"versionId\":\"2\",\"lastUpdated\":\"2021-01-01T00:00:00Z\"}", "New"));
  }

  @Test
  void aLineEqualToAStoredVersionWithMembersInMetaIsSkipped() {
    String id = id();
    String staged = patient(id, "{\"profile\":[\"http://example.org/p\"]}", "Same");
    merge(batch(0, line(1, id, null, null, staged)));
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, null, null, staged)), beat(again));
    Optional<Merged> merged = imports.merge(again, 0, NOW.plusSeconds(60), beat(again), TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(0, 1));
    assertThat(store.current("Patient", id).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void aLineDatedBeforeALowerVersionFailsWithItsReasonWhileTheOtherLinesAreMerged() {
    String id = id();
    String other = id();

    merge(batch(0, line(1, id, 1, T2, patient(id, "{}", "First")), line(2, id, 2, T1, patient(id, "{}", "Second")),
        line(3, other, null, null, patient(other, "{}", "Other"))));

    assertThat(store.current("Patient", id).orElseThrow().version()).isEqualTo(1);
    assertThat(store.version("Patient", id, 2)).isEmpty();
    assertThat(store.current("Patient", other)).isPresent();
    assertThat(imports.imported(job)).containsExactly(entry(0, 2L));
    assertThat(imports.failed(job)).containsExactly(entry(0, 1L));
    assertThat(failures(job)).isEqualTo("Version 2 is dated 2020-01-01T00:00:00Z, before version 1"
        + " (2021-01-01T00:00:00.000+00:00): the versions of a resource follow each other in time.\n");
  }

  @Test
  void aLineNamingAStoredVersionWithOtherContentFailsAsAConflictWhileAnEqualOneIsSkipped() {
    String id = id();
    merge(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 2, T2, patient(id, "{}", "Two"))));
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, 1, T1, patient(id, "{}", "Changed")),
        line(2, id, 2, T2, patient(id, "{}", "Two"))), beat(again));
    Optional<Merged> merged = imports.merge(again, 0, NOW, beat(again), TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(0, 1));
    assertThat(body(store.version("Patient", id, 1).orElseThrow())).contains("One");
    assertThat(imports.imported(again)).containsExactly(entry(0, 1L));
    assertThat(imports.written(again)).containsExactly(entry(0, 0L));
    assertThat(failures(again)).isEqualTo("Version 1 is stored already, with other content: a stored version does"
        + " not change (leave out meta.versionId to import the change as a new version).\n");
  }

  @Test
  void ofLinesNamingOneNewVersionOneWithOtherContentFailsAsAConflictWhileAnEqualOneIsSkipped() {
    String id = id();

    merge(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 1, T1, patient(id, "{}", "Changed")),
        line(3, id, 1, T1, patient(id, "{}", "One"))));

    assertThat(body(store.current("Patient", id).orElseThrow())).contains("One");
    assertThat(imports.imported(job)).containsExactly(entry(0, 2L));
    assertThat(imports.written(job)).as("the first line; the equal one is skipped").containsExactly(entry(0, 1L));
    assertThat(imports.failed(job)).containsExactly(entry(0, 1L));
    assertThat(failures(job)).isEqualTo("Version 1 is named by an earlier line with other content (input 1, line 1):"
        + " a version has one content (leave out meta.versionId to import the change as a new version).\n");
  }

  /**
   * Version 2 imported between stored versions 1 and 3: version 1 was replaced by version 2, not 3, so a history
   * as of a time between versions 2 and 3 holds version 2 only.
   */
  @Test
  void aVersionFilledInBetweenStoredOnesEndsTheTimeTheVersionBeforeItWasCurrent() {
    String id = id();
    Instant t3 = Instant.parse("2022-01-01T00:00:00Z");
    merge(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 3, t3, patient(id, "{}", "Three"))));
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, 2, T2, patient(id, "{}", "Two"))), beat(again));
    assertThat(imports.merge(again, 0, NOW, beat(again), TestStore::refusedLine)).hasValue(new Merged(1, 0));

    Instant between = T2.plusSeconds(3600);
    assertThat(store.history(new HistoryQuery("Patient", id, null, new DateTimeRange(between, between.plusSeconds(1)),
        null, 10)).versions()).extracting(ResourceVersion::version).containsExactly(2);
    assertThat(store.history(new HistoryQuery("Patient", id, null, null, null, 10)).versions())
        .extracting(ResourceVersion::version).containsExactly(3, 2, 1);
  }

  /**
   * Versions imported below the current one after a sequence N (filling a gap, or older than all stored) are
   * changes after N, but the resource was at its current version then: a scan as of N serves that version.
   */
  @Test
  void aScanAsOfBeforeAnImportOfOlderVersionsServesTheVersionCurrentThen() {
    String gap = id();
    String older = id();
    Instant t3 = Instant.parse("2022-01-01T00:00:00Z");
    merge(batch(0, line(1, gap, 1, T1, patient(gap, "{}", "One")), line(2, gap, 3, t3, patient(gap, "{}", "Three")),
        line(3, older, 3, t3, patient(older, "{}", "Three"))));
    long then = store.watermark();
    String again = anotherImport();

    imports.stage(batch(0, line(1, gap, 2, T2, patient(gap, "{}", "Two")),
        line(2, older, 1, T1, patient(older, "{}", "One")), line(3, older, 2, T2, patient(older, "{}", "Two"))),
        beat(again));
    assertThat(imports.merge(again, 0, NOW, beat(again), TestStore::refusedLine)).hasValue(new Merged(3, 0));

    for (long sequence : List.of(then, store.watermark())) {
      assertThat(store.scan(new AsOfScan("Patient", sequence, test.parse("Patient", "_id=" + gap + "," + older), null,
          10), test.search()).versions()).extracting(v -> v.id() + "@" + v.version())
          .containsExactlyInAnyOrder(gap + "@3", older + "@3");
    }
  }

  /**
   * A version imported after N with versions missing right below it (version 3 over a stored version 1) is the only
   * change after N, and the highest version: the version current at N is still the stored one below the gap.
   */
  @Test
  void aScanAsOfBeforeAnImportThatSkipsVersionsServesTheVersionCurrentThen() {
    String id = id();
    merge(batch(0, line(1, id, 1, T1, patient(id, "{}", "One"))));
    long then = store.watermark();
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, 3, T2, patient(id, "{}", "Three"))), beat(again));
    assertThat(imports.merge(again, 0, NOW, beat(again), TestStore::refusedLine)).hasValue(new Merged(1, 0));

    assertThat(store.scan(new AsOfScan("Patient", then, test.parse("Patient", "_id=" + id), null, 10), test.search())
        .versions()).extracting(v -> v.id() + "@" + v.version()).containsExactly(id + "@1");
  }

  /**
   * An import run again after {@code $purge-history} finds versions 1 and 2 no longer stored: they were purged, not
   * missing, so they stay gone, while version 4, newer than the purge, is imported.
   */
  @Test
  void versionsAPurgeRemovedAreSkippedByALaterImportWhileANewerVersionIsImported() {
    String id = id();
    Instant t3 = Instant.parse("2022-01-01T00:00:00Z");
    Instant t4 = Instant.parse("2023-01-01T00:00:00Z");
    merge(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 2, T2, patient(id, "{}", "Two")),
        line(3, id, 3, t3, patient(id, "{}", "Three"))));
    store.purgeHistory("Patient", id);
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 2, T2, patient(id, "{}", "Two")),
        line(3, id, 3, t3, patient(id, "{}", "Three")), line(4, id, 4, t4, patient(id, "{}", "Four"))), beat(again));
    Optional<Merged> merged = imports.merge(again, 0, NOW, beat(again), TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(1, 3));
    assertThat(store.history(new HistoryQuery("Patient", id, null, null, null, 10)).versions())
        .extracting(ResourceVersion::version).containsExactly(4, 3);
    assertThat(imports.failed(again)).isEmpty();
  }

  /**
   * A hard delete purges the history below the deletion: the import run again skips the versions it purged, and
   * the resource stays deleted.
   */
  @Test
  void versionsAHardDeletePurgedAreSkippedByALaterImport() {
    String id = id();
    merge(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 2, T2, patient(id, "{}", "Two"))));
    store.commit(List.of(Write.delete("Patient", id, 3, NOW)));
    store.purgeDeletedHistory("Patient", id);
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 2, T2, patient(id, "{}", "Two"))),
        beat(again));
    Optional<Merged> merged = imports.merge(again, 0, NOW.plusSeconds(1), beat(again), TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(0, 2));
    assertThat(store.current("Patient", id).orElseThrow().deleted()).isTrue();
    assertThat(store.version("Patient", id, 1)).isEmpty();
    assertThat(store.version("Patient", id, 2)).isEmpty();
  }

  /**
   * A purge that finds no history removes nothing, so it marks nothing as purged: the import that started at
   * version 5 is followed by one of versions 1 to 4, which the store never held, and those are imported.
   */
  @Test
  void aPurgeOfAnEmptyHistoryLeavesTheVersionsBelowForALaterImport() {
    String id = id();
    Instant t3 = Instant.parse("2022-01-01T00:00:00Z");
    Instant t4 = Instant.parse("2023-01-01T00:00:00Z");
    Instant t5 = Instant.parse("2024-01-01T00:00:00Z");
    merge(batch(0, line(1, id, 5, t5, patient(id, "{}", "Five"))));
    assertThat(store.purgeHistory("Patient", id)).isZero();
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, 1, T1, patient(id, "{}", "One")), line(2, id, 2, T2, patient(id, "{}", "Two")),
        line(3, id, 3, t3, patient(id, "{}", "Three")), line(4, id, 4, t4, patient(id, "{}", "Four"))), beat(again));
    Optional<Merged> merged = imports.merge(again, 0, NOW, beat(again), TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(4, 0));
    assertThat(store.history(new HistoryQuery("Patient", id, null, null, null, 10)).versions())
        .extracting(ResourceVersion::version).containsExactly(5, 4, 3, 2, 1);
  }

  /**
   * The writer creates the resource after the merge found it not stored, and commits while the merge's insert
   * waits on it: the merge starts again, finds the writer's version and imports its line as the next one.
   */
  @Test
  void aResourceCreatedByAWriterWhileTheBatchMergesGetsTheImportedLineAsItsNextVersion() throws Exception {
    String id = id();
    imports.stage(batch(0, line(1, id, null, null, patient(id, "{}", "Imported"))), beat(job));
    Write written = test.write((Resource) test.fhir().jsonParser().parseResource(patient(id, "{}", "Written")), 1);
    long before = test.lastChange();

    Optional<Merged> merged = mergeWhileWriting(written, "%INSERT INTO resource (rid%");

    assertThat(merged).hasValue(new Merged(1, 0));
    assertThat(store.history(new HistoryQuery("Patient", id, null, null, null, 10)).versions())
        .extracting(ResourceVersion::version).containsExactly(2, 1);
    assertThat(body(store.version("Patient", id, 1).orElseThrow())).contains("Written");
    assertThat(body(store.current("Patient", id).orElseThrow())).contains("Imported");
    assertThat(test.changesAfter(before)).filteredOn(change -> change.id().equals(id))
        .extracting(Change::version, Change::action)
        .containsExactly(tuple(1, Change.Action.CREATE), tuple(2, Change.Action.UPDATE));
    assertThat(test.ids("Patient", "given=Imported&_id=" + id)).containsExactly(id);
    assertThat(test.ids("Patient", "given=Written&_id=" + id)).isEmpty();
  }

  /**
   * The writer updates a stored resource, and waits to append the feed while the merge waits for the resource's
   * lock: the merge then finds the writer's version and imports its line as the next one, no number taken twice.
   */
  @Test
  void aResourceUpdatedByAWriterWhileTheBatchMergesGetsTheImportedLineAsTheVersionAfterTheWriters() throws Exception {
    String id = id();
    test.save((Resource) test.fhir().jsonParser().parseResource(patient(id, "{}", "Stored")));
    imports.stage(batch(0, line(1, id, null, null, patient(id, "{}", "Imported"))), beat(job));
    Write written = test.write((Resource) test.fhir().jsonParser().parseResource(patient(id, "{}", "Written")), 2);
    long before = test.lastChange();

    Optional<Merged> merged = mergeWhileWriting(written, "%resource r%");

    assertThat(merged).hasValue(new Merged(1, 0));
    assertThat(store.history(new HistoryQuery("Patient", id, null, null, null, 10)).versions())
        .extracting(ResourceVersion::version).containsExactly(3, 2, 1);
    assertThat(body(store.version("Patient", id, 2).orElseThrow())).contains("Written");
    assertThat(body(store.current("Patient", id).orElseThrow())).contains("Imported");
    assertThat(test.changesAfter(before)).filteredOn(change -> change.id().equals(id))
        .extracting(Change::version, Change::action)
        .containsExactly(tuple(2, Change.Action.UPDATE), tuple(3, Change.Action.UPDATE));
    assertThat(test.ids("Patient", "given=Imported&_id=" + id)).containsExactly(id);
    assertThat(test.ids("Patient", "given=Written&_id=" + id)).isEmpty();
  }

  @Test
  void aMergeIsNotHeldToTheStatementTimeoutOfRequests() throws Exception {
    String id = id();
    merge(batch(0, line(1, id, null, null, patient(id, "{}", "Before"))));
    String again = anotherImport();
    imports.stage(batch(0, line(1, id, null, null, patient(id, "{}", "After"))), beat(again));
    Duration timeout = Duration.ofMillis(200);
    var pool = test.database().pool();
    PostgresStore quick = new PostgresStore(Database.open(new DatabaseConfig(pool.getJdbcUrl(), pool.getUsername(),
        pool.getPassword(), null, 2, timeout)), test.fhir().resourceTypes());
    try (quick) {
      CompletableFuture<Optional<Merged>> merge;
      try (HeldLock writer = TestDatabase.lockResource(test.database(), "Patient", id)) {
        merge = CompletableFuture.supplyAsync(() -> quick.imports().merge(again, 0, NOW, beat(again),
            TestStore::refusedLine));
        awaitWaiting("%AS k(type, id)%FOR UPDATE OF r%");
        Thread.sleep(timeout.multipliedBy(3).toMillis());
        assertThat(merge).as("the merge still waits for the writer, past the timeout").isNotDone();
      }
      assertThat(merge.get(30, TimeUnit.SECONDS)).hasValue(new Merged(1, 0));
    }
    assertThat(body(store.current("Patient", id).orElseThrow())).contains("After");
  }

  /** Waits until a session of the database waits on a lock in a statement like {@code pattern}. */
  /**
   * Merges batch 0 while {@code written} commits: the writer writes its resource rows, then waits to append the feed
   * (its rows there, uncommitted), and the merge waits at the statement {@code mergeWaitsAt} (a LIKE pattern) before
   * both go on.
   */
  private Optional<Merged> mergeWhileWriting(Write written, String mergeWaitsAt) throws Exception {
    CompletableFuture<Void> writer;
    CompletableFuture<Optional<Merged>> merge;
    try (HeldLock changes = TestDatabase.lockTable(test.database(), "change")) {
      writer = CompletableFuture.runAsync(() -> store.commit(List.of(written)));
      awaitWaiting("%INSERT INTO change%");
      merge = CompletableFuture.supplyAsync(() -> imports.merge(job, 0, NOW, beat(job), TestStore::refusedLine));
      awaitWaiting(mergeWaitsAt);
      assertThat(writer).as("both wait, each in the middle of its transaction").isNotDone();
    }
    writer.get(30, TimeUnit.SECONDS);
    return merge.get(30, TimeUnit.SECONDS);
  }

  private void awaitWaiting(String pattern) throws SQLException, InterruptedException {
    String sql = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Connection connection = test.database().dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, pattern);
      while (System.nanoTime() < deadline) {
        try (ResultSet row = statement.executeQuery()) {
          row.next();
          if (row.getLong(1) > 0) {
            return;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("no session waited in " + pattern);
  }

  /** The outcomes of the job's failed lines (here their reasons), as the import serves them. */
  private String failures(String id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      imports.writeFailures(id, 0, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private void merge(ImportBatch batch) {
    assertThat(imports.stage(batch, beat(job))).isTrue();
    assertThat(imports.merge(job, batch.number(), NOW, beat(job), TestStore::refusedLine)).isPresent();
  }

  /** A second import job, claimed and opened: an import run after the first. */
  private String anotherImport() {
    String again = store.jobs().submit(kind, "{}", null);
    store.jobs().claim(owner, Set.of(kind), LEASE).orElseThrow();
    imports.open(again);
    return again;
  }

  private static String id() {
    return "merge-" + UUID.randomUUID().toString().substring(0, 18);
  }

  private static ImportBatch batch(int number, ImportLine... lines) {
    return new ImportBatch(number, List.of(lines), List.of(), List.of(), List.of());
  }

  /** A Patient as the server stages it: meta first, without versionId or lastUpdated. */
  private static String patient(String id, String meta, String given) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":" + meta + ",\"name\":[{\"family\":"
        + "\"Merge\",\"given\":[\"" + given + "\"]}]}";
  }

  private ImportLine line(long line, String id, Integer version, Instant lastUpdated, String json) {
    return new ImportLine(ImportLine.seq(0, line), "Patient", id, version, lastUpdated,
        lastUpdated == null ? null : lastUpdated.toString(), bytes(json), stampAt(json), index(json), List.of(),
        List.of());
  }

  private io.brazier.fhir.search.SearchIndex index(String json) {
    return test.search().extractor().extract((Resource) test.fhir().jsonParser().parseResource(json), bytes(json));
  }

  private static int stampAt(String json) {
    return json.indexOf("\"meta\":{") + 8;
  }

  private JobHeartbeat beat(String id) {
    return new JobHeartbeat(id, owner, 0, null, "{\"phase\": \"merge\"}", LEASE);
  }

  private static String body(ResourceVersion version) {
    return new String(version.json(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
