package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.brazier.store.Change;
import io.brazier.store.HistoryQuery;
import io.brazier.store.ImportBatch;
import io.brazier.store.ImportBatch.Dangling;
import io.brazier.store.ImportBatch.Deferred;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import io.brazier.store.Imports.Merged;
import io.brazier.store.Imports.Staging;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Staging, checking and merging imported lines on PostgreSQL. */
class PostgresImportsTest {
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private final TestStore test = TestStore.shared();
  private final PostgresStore store = test.store();
  private final Imports imports = store.imports();
  private final String kind = "import-test-" + UUID.randomUUID();
  private final String family = "f" + UUID.randomUUID().toString().substring(0, 8);
  private final String job = store.jobs().submit(kind, "{}", null);
  private final String owner = "node-" + UUID.randomUUID();

  {
    store.jobs().claim(owner, Set.of(kind), LEASE).orElseThrow();
  }

  @Test
  void stagedLinesAreInvisibleUntilMergedThenStoredIndexedAndInTheFeed() {
    imports.open(job);
    String id = id();
    long before = test.lastChange();

    boolean staged = imports.stage(batch(0, line(1, id, null, null, "Chalmers")), beat("staged"));
    Optional<ResourceVersion> whileStaged = store.current("Patient", id);
    Optional<Merged> merged = imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);

    assertThat(staged).isTrue();
    assertThat(whileStaged).isEmpty();
    assertThat(merged).hasValue(new Merged(1, 0));
    ResourceVersion stored = store.current("Patient", id).orElseThrow();
    assertThat(stored.version()).isEqualTo(1);
    assertThat(json(stored)).startsWith("{\"resourceType\":\"Patient\",\"id\":\"" + id
        + "\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-12-05T10:00:00.000+00:00\"},\"name\"");
    assertThat(test.ids("Patient", "family=" + family)).containsExactly(id);
    assertThat(test.changesAfter(before))
        .extracting(Change::id, Change::version, Change::action, Change::createdByPut)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(id, 1, Change.Action.CREATE, true));
    assertThat(store.jobs().read(job).orElseThrow().cursor()).contains("merged");
  }

  @Test
  void versionsInAnyOrderFillTheHistoryAndTheHighestIsCurrent() {
    imports.open(job);
    String id = id();
    Instant t1 = Instant.parse("2020-01-01T00:00:00Z");
    Instant t2 = Instant.parse("2021-01-01T00:00:00Z");

    imports.stage(batch(0, line(1, id, 2, t2, "Second"), line(2, id, 1, t1, "First")), beat("staged"));
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);

    ResourceVersion current = store.current("Patient", id).orElseThrow();
    assertThat(current.version()).isEqualTo(2);
    assertThat(current.lastUpdated()).isEqualTo(t2);
    assertThat(json(store.version("Patient", id, 1).orElseThrow())).contains("First");
    assertThat(store.history(new HistoryQuery("Patient", id, null, null, null, 10)).versions())
        .extracting(ResourceVersion::version).containsExactly(2, 1);
  }

  @Test
  void anImportOverAPatchedVersionIsNoPatchAndTheVersionItReplacedStaysOne() {
    String id = id();
    Patient patient = new Patient();
    patient.setId(id);
    store.commit(List.of(test.write(patient, 1)));
    store.commit(List.of(test.write(patient, 2).byPatch()));
    imports.open(job);

    imports.stage(batch(0, line(1, id, null, null, "Imported")), beat("staged"));
    imports.merge(job, 0, Instant.now(), beat("merged"), TestStore::refusedLine);

    assertThat(store.history(new HistoryQuery("Patient", id, null, null, null, 10)).versions())
        .extracting(ResourceVersion::version, ResourceVersion::patched)
        .containsExactly(tuple(3, false), tuple(2, true), tuple(1, false));
  }

  @Test
  void aBatchMergedAgainAsANewImportWritesNothing() {
    String id = id();
    imports.open(job);
    imports.stage(batch(0, line(1, id, null, null, "Same")), beat("staged"));
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, null, null, "Same")), beat(again, "staged"));
    Optional<Merged> merged = imports.merge(again, 0, NOW.plusSeconds(60), beat(again, "merged"),
        TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(0, 1));
    assertThat(store.current("Patient", id).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void ofSeveralLinesWithoutAVersionForOneResourceTheLastOneWins() {
    imports.open(job);
    String id = id();
    imports.stage(batch(0, line(1, id, null, null, "Early")), beat("staged"));
    imports.stage(batch(1, line(2, id, null, null, "Late")), beat("staged"));

    imports.settle(job);
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);
    imports.merge(job, 1, NOW, beat("merged"), TestStore::refusedLine);

    ResourceVersion current = store.current("Patient", id).orElseThrow();
    assertThat(current.version()).isEqualTo(1);
    assertThat(json(current)).contains("Late");
    assertThat(imports.imported(job)).containsEntry(0, 2L);
  }

  @Test
  void theMergedBatchesAreCountedSoThatAResumedMergeCountsOnFromThem() {
    imports.open(job);
    imports.stage(batch(0, line(1, id(), null, null, "First")), beat("staged"));
    imports.stage(batch(1, line(2, id(), null, null, "Second")), beat("staged"));
    imports.settle(job);
    assertThat(imports.merged(job)).isZero();

    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);

    assertThat(imports.merged(job)).isEqualTo(1);
    assertThat(imports.unmerged(job)).containsExactly(1);
  }

  @Test
  void ofTwoLinesOfOneResourceInOneBatchTheLaterIsMergedAndTheEarlierCountedAsImported() {
    imports.open(job);
    String id = id();
    imports.stage(batch(0, line(1, id, null, null, "Early"), line(2, id, null, null, "Late")), beat("staged"));

    imports.settle(job);
    Optional<Merged> merged = imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(1, 0));
    ResourceVersion current = store.current("Patient", id).orElseThrow();
    assertThat(current.version()).isEqualTo(1);
    assertThat(json(current)).contains("Late").doesNotContain("Early");
    assertThat(imports.imported(job)).containsEntry(0, 2L);
  }

  @Test
  void aLineForAResourceAlreadyStoredBecomesItsNextVersionAndTheStoredOneGoesToHistory() {
    String id = id();
    imports.open(job);
    imports.stage(batch(0, line(1, id, null, null, "Stored")), beat("staged"));
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);
    String again = anotherImport();

    imports.stage(batch(0, line(1, id, null, null, "Changed")), beat(again, "staged"));
    Optional<Merged> merged = imports.merge(again, 0, NOW.plusSeconds(60), beat(again, "merged"),
        TestStore::refusedLine);

    assertThat(merged).hasValue(new Merged(1, 0));
    ResourceVersion current = store.current("Patient", id).orElseThrow();
    assertThat(current.version()).isEqualTo(2);
    assertThat(current.lastUpdated()).isEqualTo(NOW.plusSeconds(60));
    assertThat(json(current)).contains("Changed");
    assertThat(json(store.version("Patient", id, 1).orElseThrow())).contains("Stored");
    assertThat(test.ids("Patient", "given=Changed&family=" + family)).containsExactly(id);
    assertThat(test.ids("Patient", "given=Stored&family=" + family)).isEmpty();
  }

  @Test
  void linesWhoseValuesNeedEscapingAreStagedAndMergedAsTheyAre() {
    imports.open(job);
    String id = id();
    String given = "Back\\\\slash\\tTab";

    imports.stage(batch(0, line(1, id, null, null, given)), beat("staged"));
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);

    assertThat(json(store.current("Patient", id).orElseThrow())).contains("\"given\":[\"" + given + "\"]");
    assertThat(test.ids("Patient", "family=" + family + "&given:exact=Back%5C%5Cslash%09Tab")).containsExactly(id);
  }

  @Test
  void referencesToNothingAreFoundAcrossTheWholeImportWhateverTheOrder() {
    imports.open(job);
    String patient = id();
    String missing = id();
    String referrer = id();
    imports.stage(batch(0, line(1, id(), null, null, "Linked", "Patient/" + patient),
        line(2, referrer, null, null, "Dangling", "Patient/" + missing)), beat("staged"));
    imports.stage(batch(1, line(3, patient, null, null, "Target")), beat("staged"));

    imports.settle(job);
    List<Dangling> dangling = imports.dangling(job, null);
    imports.reject(job, List.of(new Failure(2, bytes("{\"resourceType\":\"OperationOutcome\"}"))));
    List<Dangling> after = imports.dangling(job, List.of("Patient/" + missing));

    assertThat(dangling).containsExactly(new Dangling(2, "Patient/" + referrer, "Patient/" + missing));
    assertThat(after).isEmpty();
    assertThat(imports.failed(job)).containsEntry(0, 1L);
  }

  @Test
  void aReferenceDanglesUnlessALineStillStagedOrALiveStoredResourceNamesItsTarget() {
    String stored = id();
    String deleted = id();
    imports.open(job);
    imports.stage(batch(0, line(1, stored, null, null, "Kept"), line(2, deleted, null, null, "Gone")), beat("staged"));
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);
    store.commit(List.of(Write.delete("Patient", deleted, 2, NOW.plusSeconds(1))));
    String again = anotherImport();
    String[] referrers = {id(), id(), id(), id(), id()};
    String failed = id();
    String missing = id();
    imports.stage(batch(0, line(1, referrers[0], null, null, "ToStored", "Patient/" + stored),
        line(2, referrers[1], null, null, "ToDeleted", "Patient/" + deleted), line(3, failed, null, null, "Failed"),
        line(4, referrers[2], null, null, "ToFailed", "Patient/" + failed),
        line(5, referrers[3], null, null, "FailedToMissing", "Patient/" + missing),
        line(6, referrers[4], null, null, "ToMissing", "Patient/" + missing)), beat(again, "staged"));
    imports.settle(again);
    byte[] outcome = bytes("{\"resourceType\":\"OperationOutcome\"}");
    imports.reject(again, List.of(new Failure(3, outcome), new Failure(5, outcome)));

    assertThat(imports.dangling(again, null)).containsExactly(
        new Dangling(2, "Patient/" + referrers[1], "Patient/" + deleted),
        new Dangling(4, "Patient/" + referrers[2], "Patient/" + failed),
        new Dangling(6, "Patient/" + referrers[4], "Patient/" + missing));
    assertThat(imports.dangling(again, List.of("Patient/" + missing, "Patient/" + stored))).containsExactly(
        new Dangling(6, "Patient/" + referrers[4], "Patient/" + missing));
  }

  @Test
  void aRunnerThatLostItsJobStagesAndMergesNothing() {
    imports.open(job);
    String id = id();
    imports.stage(batch(0, line(1, id, null, null, "Kept")), beat("staged"));
    store.jobs().cancel(job);

    boolean staged = imports.stage(batch(1, line(2, id(), null, null, "Lost")), beat("staged"));
    Optional<Merged> merged = imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);

    assertThat(staged).isFalse();
    assertThat(merged).isEmpty();
    assertThat(store.current("Patient", id)).isEmpty();
    assertThat(imports.unmerged(job)).containsExactly(0);
  }

  @Test
  void batchesEncodedOnTheirOwnThreadsAreStagedInOneTransaction() throws Exception {
    imports.open(job);
    String first = id();
    String second = id();
    CompletableFuture<Imports.Encoded> one = CompletableFuture.supplyAsync(() -> imports.encode(job,
        batch(0, line(1, first, null, null, "One"))));
    CompletableFuture<Imports.Encoded> two = CompletableFuture.supplyAsync(() -> imports.encode(job,
        batch(1, line(2, second, null, null, "Two"))));

    boolean staged = imports.stage(List.of(one.get(), two.get()), beat("staged"));
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);
    imports.merge(job, 1, NOW, beat("merged"), TestStore::refusedLine);

    assertThat(staged).isTrue();
    assertThat(test.ids("Patient", "family=" + family)).containsExactlyInAnyOrder(first, second);
  }

  @Test
  void encodedBatchesOfARunnerThatLostItsJobAreNotStaged() {
    imports.open(job);
    Imports.Encoded one = imports.encode(job, batch(0, line(1, id(), null, null, "One")));
    Imports.Encoded two = imports.encode(job, batch(1, line(2, id(), null, null, "Two")));
    store.jobs().cancel(job);

    boolean staged = imports.stage(List.of(one, two), beat("staged"));

    assertThat(staged).isFalse();
    assertThat(imports.unmerged(job)).isEmpty();
  }

  @Test
  void deferredLinesAreKeptAsReadUntilABatchHandlesThem() {
    imports.open(job);
    String id = id();
    byte[] raw = bytes("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"note\":\"tab\\there\"}\n");
    imports.stage(new ImportBatch(0, List.of(), List.of(new Deferred(ImportLine.seq(0, 7), "Patient", id,
        List.of("urn:mrn|42"), raw)), List.of(), List.of()), beat("staged"));

    List<Deferred> waiting = imports.deferred(job, 10);
    List<String> identified = imports.identified(job, "Patient", "urn:mrn|42");
    imports.stage(new ImportBatch(1, List.of(), List.of(), List.of(), List.of(ImportLine.seq(0, 7))),
        beat("deferred"));

    assertThat(waiting).singleElement().satisfies(line -> {
      assertThat(line.seq()).isEqualTo(ImportLine.seq(0, 7));
      assertThat(line.id()).isEqualTo(id);
      assertThat(line.raw()).isEqualTo(raw);
    });
    assertThat(identified).containsExactly(id);
    assertThat(imports.deferred(job, 10)).isEmpty();
  }

  @Test
  void aStagingIsKeptForItsJobAndDroppedWhenTheJobHasEnded() {
    Staging first = imports.open(job);
    Staging again = imports.open(job);
    store.jobs().finish(job, owner, bytes("{}"));
    String next = store.jobs().submit(kind, "{}", null);

    imports.open(next);

    assertThat(first).isEqualTo(Staging.NEW);
    assertThat(again).isEqualTo(Staging.KEPT);
    assertThat(imports.open(job)).as("swept when the next import opened, so made anew").isEqualTo(Staging.NEW);
  }

  @Test
  void failuresAreServedInLineOrderPerInput() throws Exception {
    imports.open(job);
    imports.stage(new ImportBatch(0, List.of(), List.of(), List.of(new Failure(ImportLine.seq(1, 9), bytes("b")),
        new Failure(ImportLine.seq(1, 2), bytes("a")), new Failure(ImportLine.seq(0, 5), bytes("other"))),
        List.of()), beat("staged"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    imports.writeFailures(job, 1, out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\nb\n");
    assertThat(imports.failed(job)).isEqualTo(Map.of(0, 1L, 1, 2L));
  }

  @Test
  void onlyTypesWithResourcesAreHolding() {
    imports.open(job);
    imports.stage(batch(0, line(1, id(), null, null, "Holder")), beat("staged"));
    imports.merge(job, 0, NOW, beat("merged"), TestStore::refusedLine);

    assertThat(imports.holding(List.of("Patient", "ImmunizationRecommendation"))).containsExactly("Patient");
  }

  /** A second import job, claimed and opened: an import run after the first. */
  private String anotherImport() {
    String again = store.jobs().submit(kind, "{}", null);
    store.jobs().claim(owner, Set.of(kind), LEASE).orElseThrow();
    imports.open(again);
    return again;
  }

  private String id() {
    return "imp-" + UUID.randomUUID().toString().substring(0, 18);
  }

  private ImportBatch batch(int number, ImportLine... lines) {
    return new ImportBatch(number, List.of(lines), List.of(), List.of(), List.of());
  }

  /** A Patient line as the server stages it: no versionId or lastUpdated in its JSON, meta first. */
  private ImportLine line(long line, String id, Integer version, Instant lastUpdated, String given,
      String... references) {
    String generalPractitioner = references.length == 0 ? ""
        : ",\"generalPractitioner\":[{\"reference\":\"" + references[0] + "\"}]";
    String json = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{},\"name\":[{\"family\":\""
        + family + "\",\"given\":[\"" + given + "\"]}]" + generalPractitioner + "}";
    Resource resource = (Resource) test.fhir().jsonParser().parseResource(json);
    byte[] bytes = bytes(json);
    return new ImportLine(ImportLine.seq(0, line), "Patient", id, version, lastUpdated,
        lastUpdated == null ? null : lastUpdated.toString(), bytes, json.indexOf("\"meta\":{") + 8,
        test.search().extractor().extract(resource, bytes), List.of(), List.of(references));
  }

  private JobHeartbeat beat(String phase) {
    return beat(job, phase);
  }

  private JobHeartbeat beat(String id, String phase) {
    return new JobHeartbeat(id, owner, 0, null, "{\"phase\": \"" + phase + "\"}", LEASE);
  }

  private static String json(ResourceVersion version) {
    return new String(version.json(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
