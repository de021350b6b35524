package io.brazier.sync.dataverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.ClientCredentials;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.sync.DataverseConfig;
import io.brazier.sync.TargetConfig;
import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Mapper;
import io.brazier.sync.target.Batch;
import io.brazier.sync.target.Item;
import io.brazier.sync.target.RelationalTarget;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dataverse target against a real OData v4 service (Olingo on Jetty, Dataverse's shape for the built-in maps),
 * with the agent's bookkeeping in a real PostgreSQL: what the agent sends is OData the service takes, in change sets.
 */
class DataverseRowsTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapSet MAPS = TestMaps.builtIn();
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static ODataService service;
  private final Mapper mapper = new Mapper(FHIR);
  private final TargetConfig bookkeeping = TestTargets.inOtherDatabase();
  private RelationalTarget target;

  @BeforeAll
  static void startTheService() {
    service = ODataService.start(MAPS);
  }

  @AfterAll
  static void stopTheService() throws Exception {
    service.close();
  }

  @AfterEach
  void close() {
    if (target != null) {
      target.close();
    }
  }

  private RelationalTarget target(DataverseConfig config) {
    target = RelationalTarget.open(bookkeeping, new DataverseRows(config), false, false, null);
    target.prepare(MAPS);
    return target;
  }

  private RelationalTarget target() {
    return target(config(ODataService.CLIENT_SECRET, 100));
  }

  private DataverseConfig config(String secret, int batchSize) {
    return new DataverseConfig(service.url(), new ClientCredentials.Config(service.tokenUrl(), ODataService.CLIENT_ID,
        secret, service.url().resolve("/").toString() + ".default", null), batchSize, Duration.ofSeconds(30));
  }

  @Test
  void aPatientIsUpsertedByItsFhirIdWithItsIdentifiersBoundToItInOneChangeSet() throws Exception {
    String id = UUID.randomUUID().toString();
    int changeSetsBefore = service.changeSets().size();

    target().apply(MAPS, changes(patient(id, 1, "0612345678", "MRN-1", "SSN-1")));

    Map<String, Object> contact = service.row("contact", "msemr_azurefhirid", id);
    assertThat(contact).containsEntry("contactid", Keys.row("Patient", id)).containsEntry("lastname", "Chalmers")
        .containsEntry("gendercode", 2).containsEntry("mobilephone", "0612345678")
        .containsEntry("msemr_contacttype", "Patient").containsEntry("msemr_azurefhirversion", 1);
    assertThat(identifiers(id)).containsExactlyInAnyOrder("MRN-1", "SSN-1");
    assertThat(service.changeSets().subList(changeSetsBefore, service.changeSets().size())).containsExactly(3);
  }

  @Test
  void aNewVersionReplacesTheRowAndDeletesTheIdentifiersItNoLongerHas() throws Exception {
    String id = UUID.randomUUID().toString();
    target().apply(MAPS, changes(patient(id, 1, "0611111111", "MRN-2", "SSN-2")));

    target.apply(MAPS, changes(patient(id, 2, "0622222222", "MRN-2")));

    assertThat(service.row("contact", "msemr_azurefhirid", id)).containsEntry("mobilephone", "0622222222")
        .containsEntry("msemr_azurefhirversion", 2);
    assertThat(identifiers(id)).containsExactly("MRN-2");
  }

  @Test
  void anEncounterComesAfterThePatientItPointsToAndIsBoundToItsRow() throws Exception {
    String patientId = UUID.randomUUID().toString();
    String encounterId = UUID.randomUUID().toString();
    Item encounter = item("""
        {"resourceType": "Encounter", "id": "%s", "meta": {"versionId": "1"}, "status": "finished",
         "class": {"code": "AMB"}, "subject": {"reference": "Patient/%s"}}""".formatted(encounterId, patientId), 1);

    // Encounter sorts before Patient: the target must still create the Patient first.
    target().apply(MAPS, Batch.changes("test", List.of(encounter, patient(patientId, 1, null, "MRN-3")), null,
        List.of()));

    assertThat(service.row("msemr_encounter", "msemr_azurefhirid", encounterId))
        .containsEntry("_msemr_patient_value", Keys.row("Patient", patientId)).containsEntry("msemr_status",
            "finished");
  }

  @Test
  void aDecimalWithMorePlacesThanDataverseHoldsIsRoundedToTenRatherThanRefused() throws Exception {
    String id = UUID.randomUUID().toString();
    Item location = item("""
        {"resourceType": "Location", "id": "%s", "meta": {"versionId": "1"}, "name": "Clinic",
         "position": {"longitude": -71.06010341741347, "latitude": 42.3}}""".formatted(id), 1);

    target().apply(MAPS, Batch.changes("test", List.of(location), null, List.of()));

    assertThat(service.row("msemr_location", "msemr_azurefhirid", id))
        .containsEntry("msemr_longitude", new java.math.BigDecimal("-71.0601034174"));
  }

  @Test
  void aNestedExpansionIsWrittenAfterTheRowItIsBoundTo() throws Exception {
    String id = UUID.randomUUID().toString();
    Item careTeam = item("""
        {"resourceType": "CareTeam", "id": "%s", "meta": {"versionId": "1"}, "status": "active",
         "participant": [{"role": [{"coding": [{"system": "http://snomed.info/sct", "code": "116154003",
                                                 "display": "Patient"}]}]}]}""".formatted(id), 1);

    target().apply(MAPS, Batch.changes("test", List.of(careTeam), null, List.of()));

    UUID participant = (UUID) service.rows("msemr_careteamparticipant").stream()
        .filter(row -> Keys.row("CareTeam", id).equals(row.get("_msemr_careteam_value"))).findFirst().orElseThrow()
        .get("msemr_careteamparticipantid");
    assertThat(service.rows("msemr_careteamparticipantrole")).anyMatch(
        row -> participant.equals(row.get("_msemr_careteamparticipant_value")));
  }

  @Test
  void aChangeSetTheServiceRefusesWritesNothingAndClaimsNoVersion() throws Exception {
    String encounterId = UUID.randomUUID().toString();
    String patientId = UUID.randomUUID().toString();
    Item orphan = item("""
        {"resourceType": "Encounter", "id": "%s", "meta": {"versionId": "1"}, "status": "planned",
         "subject": {"reference": "Patient/%s"}}""".formatted(encounterId, patientId), 1);
    target();

    assertThatThrownBy(() -> target.apply(MAPS, changes(orphan)))
        .isInstanceOf(SQLException.class).isNotInstanceOf(SQLTransientConnectionException.class)
        .hasMessageContaining("404").hasMessageContaining("Does Not Exist");

    assertThat(service.row("msemr_encounter", "msemr_azurefhirid", encounterId)).isNull();
    assertThat(TestTargets.number(bookkeeping, "SELECT count(*) FROM sync_version WHERE id = ?", encounterId))
        .isZero();
  }

  @Test
  void throttledRequestsAreSentAgainAfterTheirRetryAfter() throws Exception {
    String id = UUID.randomUUID().toString();
    target();
    service.throttle(2);
    long started = System.nanoTime();

    target.apply(MAPS, changes(patient(id, 1, null, "MRN-4")));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("two waits of Retry-After: 1")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(service.row("contact", "msemr_azurefhirid", id)).isNotNull();
  }

  @Test
  void aLongerRetryAfterThanTheAgentWaitsIsAnOutage() throws Exception {
    target(new DataverseConfig(config(ODataService.CLIENT_SECRET, 100).url(),
        config(ODataService.CLIENT_SECRET, 100).credentials(), 100, Duration.ZERO));
    service.throttle(1);

    assertThatThrownBy(() -> target.apply(MAPS, changes(patient(UUID.randomUUID().toString(), 1, null, "X"))))
        .isInstanceOf(SQLTransientConnectionException.class).hasMessageContaining("throttles");
  }

  @Test
  void manyResourcesGoInChangeSetsOfTheBatchSizeAtMostWithAResourcesRowsTogether() throws Exception {
    target(config(ODataService.CLIENT_SECRET, 10));
    List<Item> patients = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      patients.add(patient(UUID.randomUUID().toString(), 1, null, "A" + i, "B" + i));
    }
    int before = service.changeSets().size();

    target.apply(MAPS, Batch.changes("test", patients, null, List.of()));

    List<Integer> sizes = service.changeSets().subList(before, service.changeSets().size());
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(10).isGreaterThan(0));
    assertThat(sizes).allSatisfy(size -> assertThat(size % 3).as("3 rows per patient").isZero());
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(36);
  }

  @Test
  void aDeletedPatientLosesItsRowAndItsIdentifiersAndDeletingAgainIsNoFailure() throws Exception {
    String id = UUID.randomUUID().toString();
    target().apply(MAPS, changes(patient(id, 1, null, "MRN-5")));
    Item deletion = new Item(2, "Patient", id, 2, "Patient/" + id, MAPS.root("Patient"), null, null);

    target.apply(MAPS, changes(deletion));
    target.apply(MAPS, new Batch("test", List.of(deletion), true, null, List.of(), List.of(), null));

    assertThat(service.row("contact", "msemr_azurefhirid", id)).isNull();
    assertThat(identifiers(id)).isEmpty();
  }

  @Test
  void aWrongClientSecretIsRefusedWithTheTokenEndpointsAnswer() {
    assertThatThrownBy(() -> target(config("wrong", 100)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("invalid_client");
  }

  @Test
  void mapsNamingATableTheServiceLacksAreRefused() {
    MapSet more = TestMaps.of("extra", """
        {"resource": "Basic", "table": "msemr_basic", "attributes": [{"column": "msemr_code", "path": "code.text"}]}
        """);
    DataverseRows rows = new DataverseRows(config(ODataService.CLIENT_SECRET, 100));

    assertThatThrownBy(() -> rows.prepare(more)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("msemr_basics");
  }

  private List<String> identifiers(String patientId) {
    UUID contact = Keys.row("Patient", patientId);
    return service.rows("msemr_medicalidentifier").stream()
        .filter(row -> contact.equals(row.get("_msemr_patient_value")))
        .map(row -> (String) row.get("msemr_identifiervalue")).toList();
  }

  private Item patient(String id, int version, String mobile, String... identifiers) {
    ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient").put("id", id).put("gender", "female");
    patient.putObject("meta").put("versionId", String.valueOf(version)).put("lastUpdated", "2026-12-05T10:00:00Z");
    patient.putArray("name").addObject().put("use", "official").put("family", "Chalmers").putArray("given")
        .add("Peter");
    if (mobile != null) {
      patient.putArray("telecom").addObject().put("system", "phone").put("use", "mobile").put("value", mobile);
    }
    var array = patient.putArray("identifier");
    for (String value : identifiers) {
      array.addObject().put("system", "urn:test:mrn").put("value", value);
    }
    return item(patient.toString(), version);
  }

  private Item item(String json, long sequence) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(json);
      var rows = mapper.rows(MAPS, MAPS.root(node.get("resourceType").asText()), mapper.parse(node));
      return new Item(sequence, rows.type(), rows.id(), rows.version(), rows.type() + "/" + rows.id(),
          MAPS.root(rows.type()), rows, null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Batch changes(Item... items) {
    return Batch.changes("test", List.of(items), null, List.of());
  }
}
