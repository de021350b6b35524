package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.sync.TargetConfig;
import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Mapper;
import io.brazier.sync.map.Rows;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relational target on a real PostgreSQL (a second embedded instance), each test in a schema of its own. */
class RelationalTargetTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private final Mapper mapper = new Mapper(FHIR);
  private final TargetConfig config = TestTargets.inOtherDatabase();
  private final RelationalTarget target = RelationalTarget.open(config, true, true);
  private MapSet maps = maps(TestMaps.patient(""));

  @AfterEach
  void close() {
    target.close();
  }

  @Test
  void tablesAreCreatedFromTheMapsAndAlteredWhenAMapAddsAColumn() {
    target.prepare(maps);
    assertThat(columns("contact")).contains("contactid", "lastname", "msemr_azurefhirid", "msemr_azurefhirversion",
        "msemr_azurefhirlastupdatedon", "msemr_azurefhirsyncenabled", "statecode");

    target.prepare(maps(TestMaps.patient("").replace("\"attributes\": [",
        "\"attributes\": [{\"column\": \"birthdate\", \"path\": \"birthDate\", \"type\": \"date\"},")));

    assertThat(columns("contact")).contains("birthdate");
    assertThat(TestTargets.rows(config, "SELECT data_type FROM information_schema.columns WHERE table_schema = ?"
        + " AND table_name = 'contact' AND column_name = 'birthdate'", config.schema()))
        .extracting(row -> row.get("data_type")).containsExactly("date");
  }

  @Test
  void aColumnOfAnotherTypeInTheTargetIsRefused() {
    target.prepare(maps);

    String integerName = TestMaps.patient("").replace("\"path\": \"name.family.first()\"",
        "\"path\": \"name.family.first()\", \"type\": \"integer\"");
    assertThatThrownBy(() -> target.prepare(maps(integerName)))
        .hasMessage("Column contact.lastname is text in the target, but the maps make it integer: change the map's"
            + " type, or the column");
  }

  @Test
  void anUpsertWrittenTwiceIsOneRowAndItsChildrenAreReplaced() throws Exception {
    target.prepare(maps);

    apply(false, patient("p1", 1, "Chalmers", "a", "b"));
    apply(false, patient("p1", 1, "Chalmers", "a", "b"));
    apply(false, patient("p1", 2, "Chalmers", "c"));

    assertThat(TestTargets.rows(config, "SELECT lastname, msemr_azurefhirversion FROM contact"))
        .containsExactly(Map.of("lastname", "Chalmers", "msemr_azurefhirversion", 2));
    assertThat(TestTargets.rows(config, "SELECT msemr_value FROM msemr_medicalidentifier"))
        .containsExactly(Map.of("msemr_value", "c"));
  }

  @Test
  void anOlderVersionArrivingLateIsSkippedButAReplayWritesTheSameVersionAgain() throws Exception {
    target.prepare(maps);
    apply(false, patient("p1", 3, "Newer"));

    RelationalTarget.Applied late = apply(false, patient("p1", 2, "Older"));
    RelationalTarget.Applied same = apply(false, patient("p1", 3, "Renamed by a new map"));
    RelationalTarget.Applied replayed = apply(true, patient("p1", 3, "Renamed by a new map"));

    assertThat(late).isEqualTo(new RelationalTarget.Applied(0, 1));
    assertThat(same).isEqualTo(new RelationalTarget.Applied(0, 1));
    assertThat(replayed).isEqualTo(new RelationalTarget.Applied(1, 0));
    assertThat(lastname("p1")).isEqualTo("Renamed by a new map");
  }

  @Test
  void aDeletionDeletesTheRowAndItsChildrenAndNoOlderVersionBringsThemBack() throws Exception {
    target.prepare(maps);
    apply(false, patient("p1", 1, "Chalmers", "a"));

    apply(false, deletion("p1", 2));
    apply(false, patient("p1", 1, "Chalmers", "a"));

    assertThat(TestTargets.number(config, "SELECT count(*) FROM contact")).isZero();
    assertThat(TestTargets.number(config, "SELECT count(*) FROM msemr_medicalidentifier")).isZero();

    apply(false, patient("p1", 3, "Back"));
    assertThat(lastname("p1")).isEqualTo("Back");
  }

  @Test
  void aDeletionWithoutAVersionDeletesWhateverIsThereOnceAndLetsAnyLaterVersionIn() throws Exception {
    target.prepare(maps);
    apply(false, patient("p1", 4, "Chalmers"));

    assertThat(apply(false, deletion("p1", null))).isEqualTo(new RelationalTarget.Applied(1, 0));
    assertThat(apply(false, deletion("p1", null))).isEqualTo(new RelationalTarget.Applied(0, 1));
    assertThat(apply(false, patient("p1", 4, "Chalmers"))).isEqualTo(new RelationalTarget.Applied(0, 1));
    assertThat(apply(false, patient("p1", 5, "Again"))).isEqualTo(new RelationalTarget.Applied(1, 0));
  }

  @Test
  void aMapThatDeactivatesKeepsTheRowMarkedInactive() throws Exception {
    maps = maps(TestMaps.patient("\"onDelete\": \"deactivate\","));
    target.prepare(maps);
    apply(false, patient("p1", 1, "Chalmers", "a"));

    apply(false, deletion("p1", 2));

    assertThat(TestTargets.rows(config, "SELECT statecode, msemr_azurefhirversion FROM contact"))
        .containsExactly(Map.of("statecode", 1, "msemr_azurefhirversion", 2));
    assertThat(TestTargets.number(config, "SELECT count(*) FROM msemr_medicalidentifier")).isOne();
  }

  @Test
  void theCheckpointCommitsWithTheRowsOrNotAtAll() throws Exception {
    target.prepare(maps);
    UUID job = target.backfills().queue(List.of("Patient"));
    BackfillJobs.Step notThisAgents = new BackfillJobs.Step(job, "another agent", 0, null, 1);

    assertThatThrownBy(() -> target.apply(maps, new Batch("fhir", List.of(patient("p1", 1, "Lost")), false,
        new Batch.Checkpoint("fhir", 0, 42), List.of(), List.of(), notThisAgents)))
        .isInstanceOf(BackfillJobs.LostJob.class);

    assertThat(TestTargets.number(config, "SELECT count(*) FROM contact")).isZero();
    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_version")).isZero();
    assertThat(target.resume("fhir", 2)).isZero();

    target.apply(maps, Batch.changes("fhir", List.of(patient("p1", 1, "Kept")), new Batch.Checkpoint("fhir", 1, 42),
        List.of()));
    assertThat(lastname("p1")).isEqualTo("Kept");
    assertThat(TestTargets.rows(config, "SELECT worker, seq FROM sync_checkpoint ORDER BY worker"))
        .containsExactly(Map.of("worker", 0, "seq", 0L), Map.of("worker", 1, "seq", 42L));
  }

  @Test
  void aRestartResumesFromTheWorkerThatIsFurthestBehind() throws Exception {
    target.prepare(maps);
    target.apply(maps, Batch.changes("fhir", List.of(), new Batch.Checkpoint("fhir", 0, 90), List.of()));
    target.apply(maps, Batch.changes("fhir", List.of(), new Batch.Checkpoint("fhir", 1, 70), List.of()));
    target.apply(maps, Batch.changes("fhir", List.of(), new Batch.Checkpoint("fhir", 2, 80), List.of()));

    long resumed = target.resume("fhir", 2);

    assertThat(resumed).isEqualTo(70);
    assertThat(TestTargets.rows(config, "SELECT worker, seq FROM sync_checkpoint ORDER BY worker"))
        .containsExactly(Map.of("worker", 0, "seq", 70L), Map.of("worker", 1, "seq", 70L));
  }

  @Test
  void deadLettersAreKeptInTheirChangesOrderUntilAReplayResolvesThem() throws Exception {
    target.prepare(maps);
    DeadLetter later = new DeadLetter(0, "fhir", 20, "Patient", "p2", 1, "upsert", "Patient/p2", 5, "late", null);
    DeadLetter earlier = new DeadLetter(0, "fhir", 10, "Patient", "p1", 1, "upsert", "Patient/p1", 5, "soon", null);
    target.apply(maps, Batch.changes("fhir", List.of(), null, List.of(later, earlier)));

    List<DeadLetter> letters = target.deadLetters(null, 10);
    target.failedAgain(letters.get(0).id(), "again");
    target.apply(maps, new Batch("fhir", List.of(), true, null, List.of(), List.of(letters.get(1).id()), null));

    assertThat(letters).extracting(DeadLetter::sequence).containsExactly(10L, 20L);
    assertThat(target.deadLetters(null, 10)).singleElement()
        .returns(6, DeadLetter::attempts).returns("again", DeadLetter::error);
    assertThat(TestTargets.rows(config, "SELECT outcome, message FROM sync_log ORDER BY id"))
        .extracting(row -> row.get("outcome")).containsExactly("dead-lettered", "dead-lettered");
  }

  @Test
  void theLogKeepsTheResourceReadAndTheRowsWritten() throws Exception {
    target.prepare(maps);

    apply(false, patient("p1", 1, "Chalmers", "a"));

    Map<String, Object> entry = TestTargets.rows(config, "SELECT outcome, request::text, response::text FROM"
        + " sync_log").get(0);
    assertThat(entry.get("outcome")).isEqualTo("written");
    assertThat((String) entry.get("request")).contains("\"family\": \"Chalmers\"");
    assertThat((String) entry.get("response")).contains("\"table\": \"msemr_medicalidentifier\"");
  }

  @Test
  void ofSeveralChangesOfOneResourceInABatchOnlyTheLatestIsWritten() throws Exception {
    target.prepare(maps);

    RelationalTarget.Applied applied = target.apply(maps, Batch.changes("fhir", List.of(
        at(7, patient("p1", 2, "Later")), at(3, patient("p1", 1, "Earlier")), at(5, patient("p2", 1, "Other"))),
        null, List.of()));

    assertThat(applied).as("the earlier change of p1 skipped").isEqualTo(new RelationalTarget.Applied(2, 1));
    assertThat(lastname("p1")).isEqualTo("Later");
    assertThat(TestTargets.rows(config, "SELECT seq, res_id FROM sync_log ORDER BY res_id"))
        .containsExactly(Map.of("seq", 7L, "res_id", "p1"), Map.of("seq", 5L, "res_id", "p2"));
  }

  @Test
  void thePartitionsRecordedAreAnsweredForTheResourcesThatHaveOne() throws Exception {
    target.prepare(maps);
    Item unpartitioned = patient("p2", 1, "Lone");
    apply(false, patient("p1", 1, "Chalmers"));
    apply(false, new Item(0, "Patient", "p2", 1, null, unpartitioned.map(), unpartitioned.rows(), null));

    Map<String, String> partitions = target.partitions(List.of("Patient/p1", "Patient/p2", "Patient/never"));

    assertThat(partitions).containsExactly(Map.entry("Patient/p1", "Patient/p1"));
  }

  @Test
  void aWorkersCheckpointNeverMovesBack() throws Exception {
    target.prepare(maps);
    target.apply(maps, Batch.changes("fhir", List.of(), new Batch.Checkpoint("fhir", 0, 90), List.of()));

    target.apply(maps, Batch.changes("fhir", List.of(), new Batch.Checkpoint("fhir", 0, 50), List.of()));

    assertThat(TestTargets.number(config, "SELECT seq FROM sync_checkpoint WHERE worker = 0")).isEqualTo(90);
  }

  @Test
  void aRestartSetsEveryWorkerOfItsSourceAndNoOther() throws Exception {
    target.prepare(maps);
    target.resume("fhir", 2);
    target.resume("other", 1);
    target.apply(maps, Batch.changes("other", List.of(), new Batch.Checkpoint("other", 0, 30), List.of()));

    target.restart("fhir", 500);

    assertThat(TestTargets.rows(config, "SELECT source, worker, seq FROM sync_checkpoint ORDER BY source, worker"))
        .containsExactly(Map.of("source", "fhir", "worker", 0, "seq", 500L),
            Map.of("source", "fhir", "worker", 1, "seq", 500L), Map.of("source", "other", "worker", 0, "seq", 30L));
    assertThat(target.resume("fhir", 3)).isEqualTo(500);
  }

  @Test
  void oneDeadLetterIsListedByItsIdAndTheListStopsAtItsLimit() throws Exception {
    target.prepare(maps);
    target.apply(maps, Batch.changes("fhir", List.of(), null, List.of(letter(30, "p3"), letter(10, "p1"),
        letter(20, "p2"))));
    List<DeadLetter> all = target.deadLetters(null, 10);

    assertThat(all).extracting(DeadLetter::resourceId).containsExactly("p1", "p2", "p3");
    assertThat(target.deadLetters(null, 2)).extracting(DeadLetter::resourceId).containsExactly("p1", "p2");
    assertThat(target.deadLetters(all.get(1).id(), 10)).singleElement().satisfies(letter -> {
      assertThat(letter.resourceId()).isEqualTo("p2");
      assertThat(letter.sequence()).isEqualTo(20);
      assertThat(letter.failedAt()).isNotNull();
    });
    assertThat(target.deadLetters(-1L, 10)).isEmpty();
    assertThat(target.deadLetterCount()).isEqualTo(3);
  }

  @Test
  void purgingTheLogDeletesOnlyWhatIsOlderThanTheAge() throws Exception {
    target.prepare(maps);
    apply(false, patient("p1", 1, "Chalmers"));
    apply(false, patient("p2", 1, "Other"));
    TestTargets.execute(config, "UPDATE sync_log SET at = now() - interval '2 hours' WHERE res_id = 'p1'");

    int purged = target.purgeLog(java.time.Duration.ofHours(1));

    assertThat(purged).isOne();
    assertThat(TestTargets.rows(config, "SELECT res_id FROM sync_log")).containsExactly(Map.of("res_id", "p2"));
  }

  @Test
  void withoutBodiesTheLogSaysWhatHappenedAndKeepsNoPatientData() throws Exception {
    try (RelationalTarget plain = RelationalTarget.open(config, true, false)) {
      plain.prepare(maps);
      Item item = patient("p1", 1, "Chalmers", "a");

      plain.apply(maps, new Batch("fhir", List.of(item), false, null, List.of(), List.of(), null));
      plain.apply(maps, new Batch("fhir", List.of(item), false, null, List.of(), List.of(), null));
    }

    assertThat(TestTargets.rows(config, "SELECT outcome, message, request, response FROM sync_log ORDER BY id"))
        .extracting(row -> row.get("outcome"), row -> row.get("message"), row -> row.get("request"),
            row -> row.get("response"))
        .containsExactly(tuple("written", null, null, null),
            tuple("skipped", "the target has this version or a newer one", null, null));
  }

  @Test
  void withoutTheLogNothingIsLogged() throws Exception {
    try (RelationalTarget quiet = RelationalTarget.open(config, false, false)) {
      quiet.prepare(maps);

      quiet.apply(maps, Batch.changes("fhir", List.of(patient("p1", 1, "Chalmers")), null, List.of(letter(1, "p2"))));
    }

    assertThat(lastname("p1")).isEqualTo("Chalmers");
    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_log")).isZero();
  }

  private static DeadLetter letter(long sequence, String id) {
    return new DeadLetter(0, "fhir", sequence, "Patient", id, 1, "upsert", "Patient/" + id, 5, "failed", null);
  }

  private static Item at(long sequence, Item item) {
    return new Item(sequence, item.type(), item.id(), item.version(), item.partition(), item.map(), item.rows(),
        item.body());
  }

  private RelationalTarget.Applied apply(boolean replay, Item item) throws Exception {
    return target.apply(maps, new Batch("fhir", List.of(item), replay, null, List.of(), List.of(), null));
  }

  private Item patient(String id, int version, String family, String... identifiers) {
    ObjectNode json = JSON.createObjectNode().put("resourceType", "Patient").put("id", id);
    json.putObject("meta").put("versionId", Integer.toString(version));
    json.putArray("name").addObject().put("family", family);
    for (String identifier : identifiers) {
      json.withArray("identifier").addObject().put("value", identifier);
    }
    Rows rows = mapper.rows(maps, maps.root("Patient"), mapper.parse(json));
    return new Item(0, "Patient", id, version, "Patient/" + id, maps.root("Patient"), rows, json.toString());
  }

  private Item deletion(String id, Integer version) {
    return new Item(0, "Patient", id, version, "Patient/" + id, maps.root("Patient"), null, null);
  }

  private String lastname(String id) {
    return (String) TestTargets.rows(config, "SELECT lastname FROM contact WHERE msemr_azurefhirid = ?", id)
        .get(0).get("lastname");
  }

  private List<Object> columns(String table) {
    return TestTargets.rows(config, "SELECT column_name FROM information_schema.columns WHERE table_schema = ?"
        + " AND table_name = ?", config.schema(), table).stream().map(row -> row.get("column_name")).toList();
  }

  private static MapSet maps(String patient) {
    return TestMaps.of("patient", patient, "identifier", TestMaps.IDENTIFIER);
  }
}
