package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.sync.map.MapLoader;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.TempFolders;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training's scenario, end to end: the 20 sync bundles loaded into a real Brazier, the agent following its
 * change feed over HTTP into the embedded target (a schema of the server's own database), and the maps edited while
 * it runs.
 */
class SyncAgentTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String DEVICE_MAP = """
      {"resource": "Device", "table": "msemr_device", "attributes": [{"column": "msemr_lot", "path": "lotNumber"}]}""";
  private static TestServer server;
  private static IGenericClient client;
  private static Path maps;
  private static TargetConfig target;
  private static SyncAgent agent;
  private static PrometheusMeterRegistry registry;

  @BeforeAll
  static void loadTheSampleAndStartTheAgent() throws Exception {
    server = TestServer.start(Mc4hSample.serverConfig());
    client = server.client();
    Mc4hSample.load(server);
    maps = TempFolders.createUntilExit("sync-maps");
    MapLoader.writeDefaults(maps);
    target = TestTargets.inServerDatabase(server);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    agent = SyncAgent.start(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(90)), server.fhir(),
        target, SyncConfig.defaults().withMaps(maps), registry);
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
    server.close();
  }

  @AfterEach
  void restoreTheDefaultMaps() throws Exception {
    MapLoader.writeDefaults(maps);
    Eventually.within(DEADLINE, () -> assertThat(agent.status().maps().error()).isNull());
  }

  @Test
  void theSamplePatientsAppearInContactWithTheirIdentifiers() {
    Bundle patients = client.search().forResource(Patient.class).count(100).returnBundle(Bundle.class).execute();
    assertThat(patients.getEntry()).hasSize(20);

    // All in the wait: when this test runs first, the 20 rows can be there before the last versions of their patients.
    Eventually.within(DEADLINE, () -> {
      assertThat(TestTargets.number(target, "SELECT count(*) FROM contact WHERE msemr_contacttype = 'Patient'"))
          .isEqualTo(20);
      patients.getEntry().forEach(entry -> assertSynced((Patient) entry.getResource()));
    });
  }

  @Test
  void anUpdateAndADeleteShowUp() {
    // A patient of its own: deleting one of the sample's would make the test of the 20 depend on the order of tests.
    Patient patient = new Patient().setGender(Enumerations.AdministrativeGender.FEMALE);
    patient.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily("Passing").addGiven("Una");
    patient.addIdentifier().setSystem("urn:test:sync").setValue(UUID.randomUUID().toString());
    patient.setId(client.create().resource(patient).execute().getId().toUnqualifiedVersionless());
    Eventually.within(DEADLINE, () -> assertThat(contact(patient.getIdPart())).isNotNull());
    patient.getTelecom().removeIf(telecom -> telecom.getUse() == ContactPoint.ContactPointUse.MOBILE);
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
        .setValue("555-0001");

    client.update().resource(patient).execute();

    Eventually.within(DEADLINE, () -> assertThat(contact(patient.getIdPart()).get("mobilephone")).isEqualTo("555-0001"));

    client.delete().resourceById("Patient", patient.getIdPart()).execute();

    Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target,
        "SELECT count(*) FROM contact WHERE msemr_azurefhirid = ?", patient.getIdPart())).isZero());
    assertThat(TestTargets.number(target, "SELECT count(*) FROM msemr_medicalidentifier i WHERE NOT EXISTS"
        + " (SELECT 1 FROM contact c WHERE c.contactid = i.msemr_patient)")).isZero();
  }

  /**
   * A birth date and a gender FHIR holds only as "unknown" (a data-absent-reason extension, no value, common in US
   * Core data) have no value: the patient is synced with both columns null, not dead-lettered.
   */
  @Test
  void aPatientWithAnUnknownBirthDateAndGenderIsSyncedWithBothColumnsNull() {
    Patient patient = new Patient().setBirthDateElement(unknown(new DateType()))
        .setGenderElement(unknown(new Enumeration<>(new Enumerations.AdministrativeGenderEnumFactory())));
    patient.addName().setFamily("Unknown-" + UUID.randomUUID());

    String id = client.create().resource(patient).execute().getId().getIdPart();

    Eventually.within(DEADLINE, () -> assertThat(contact(id)).isNotNull().containsEntry("birthdate", null)
        .containsEntry("gendercode", null).containsEntry("lastname", patient.getNameFirstRep().getFamily()));
    client.delete().resourceById("Patient", id).execute(); // the test of the 20 counts the server's patients
    Eventually.within(DEADLINE, () -> assertThat(contact(id)).isNull());
  }

  private static <T extends PrimitiveType<?>> T unknown(T primitive) {
    primitive.addExtension("http://hl7.org/fhir/StructureDefinition/data-absent-reason", new CodeType("unknown"));
    return primitive;
  }

  @Test
  void aMapEditedWhileRunningTakesEffectWithoutARestart() throws Exception {
    String edited = Files.readString(maps.resolve("patient.json")).replace("\"attributes\": [",
        "\"attributes\": [\n    {\"column\": \"msemr_birthsex\", \"path\": \"extension.where(url = "
            + "'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex').value\"},");
    Files.writeString(maps.resolve("patient.json"), edited);
    Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target, "SELECT count(*) FROM"
        + " information_schema.columns WHERE table_schema = ? AND table_name = 'contact' AND column_name ="
        + " 'msemr_birthsex'", target.schema())).isOne());
    Patient patient = anySamplePatient();

    client.update().resource(patient.setActive(true)).execute();

    Eventually.within(DEADLINE, () -> assertThat(contact(patient.getIdPart()).get("msemr_birthsex"))
        .isIn("M", "F"));
  }

  @Test
  void aBadMapIsRefusedNamingItsFileAndFieldAndThePreviousMapsStay() throws Exception {
    String broken = Files.readString(maps.resolve("patient.json"), StandardCharsets.UTF_8)
        .replace("\"path\": \"birthDate\"", "\"path\": \"birthDate.where(\"");
    Files.writeString(maps.resolve("patient.json"), broken);

    Eventually.within(DEADLINE, () -> assertThat(agent.status().maps().error())
        .startsWith("patient.json: attributes[2].path: 'birthDate.where(' is not a valid FHIRPath expression"));

    Patient patient = anySamplePatient();
    client.update().resource(patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970-01-02")))
        .execute();
    Eventually.within(DEADLINE, () -> assertThat(contact(patient.getIdPart()).get("birthdate"))
        .hasToString("1970-01-02"));
  }

  @Test
  void theStatusAndTheMetricsSayWhatTheAgentDid() throws Exception {
    Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0))
        .returns(true, SyncStatus.Source::caughtUp).returns(0, SyncStatus.Source::lagChanges));

    SyncStatus status = agent.status();

    assertThat(status.role()).isEqualTo("active");
    assertThat(status.written() + status.skipped())
        .as("every change of a synced type: the sample's 2,595 resources, and its placeholders' updates")
        .isGreaterThan(2_595);
    assertThat(status.written()).isPositive();
    assertThat(status.maps().loaded()).isEqualTo(25);
    assertThat(status.maps().origin()).isEqualTo(maps.toString());
    assertThat(registry.scrape()).contains("brazier_sync_changes_total{outcome=\"written\"}");
  }

  /**
   * The target's PostgreSQL is not running when the agent starts: the agent starts all the same and says why it
   * waits, and once the database runs it syncs what was written before and meanwhile.
   */
  @Test
  void anAgentWhoseTargetIsDownAtStartWaitsForItAndThenSyncsEverything(@TempDir Path dir) throws Exception {
    String lot = "lot-" + UUID.randomUUID();
    List<String> devices = new ArrayList<>(List.of(device(lot)));
    try (StoppableDatabase database = new StoppableDatabase(dir.resolve("target"));
        SyncAgent waiting = Agents.start(server, database.target("crm"), Agents.config(Agents.maps("device.json",
            DEVICE_MAP)))) {
      assertThat(waiting.status().target().error()).contains("Connection to localhost:").contains("refused");
      devices.add(device(lot));
      Thread.sleep(3_000); // more than a supervision round: the agent tries again, in vain

      database.start();

      TargetConfig target = database.target("crm");
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.rows(target, "SELECT msemr_azurefhirid FROM"
          + " msemr_device WHERE msemr_lot = ?", lot)).extracting(row -> row.get("msemr_azurefhirid"))
          .containsExactlyInAnyOrderElementsOf(devices));
      assertThat(waiting.status().target().error()).isNull();
      assertThat(waiting.status().role()).isEqualTo("active");
    }
  }

  private static String device(String lot) {
    return client.create().resource(new Device().setLotNumber(lot)).execute().getId().getIdPart();
  }

  private static void assertSynced(Patient patient) {
    Map<String, Object> row = contact(patient.getIdPart());
    assertThat(row).as("the row of Patient/%s", patient.getIdPart()).isNotNull();
    assertThat(row.get("lastname")).isEqualTo(patient.getNameFirstRep().getFamily());
    assertThat(row.get("firstname")).isEqualTo(patient.getNameFirstRep().getGivenAsSingleString());
    assertThat(row.get("gendercode")).as("gendercode of Patient/%s, %s", patient.getIdPart(), patient.getGender())
        .isEqualTo(patient.getGender().toCode().equals("male") ? 1 : 2);
    assertThat(row.get("msemr_azurefhirversion")).isEqualTo(Integer.valueOf(patient.getMeta().getVersionId()));
    assertThat(row.get("msemr_azurefhirsyncenabled")).isEqualTo(false);
    List<Map<String, Object>> identifiers = TestTargets.rows(target,
        "SELECT msemr_identifiervalue FROM msemr_medicalidentifier WHERE msemr_patient = ?", row.get("contactid"));
    assertThat(identifiers).extracting(identifier -> identifier.get("msemr_identifiervalue"))
        .containsExactlyInAnyOrderElementsOf(patient.getIdentifier().stream().map(id -> id.getValue()).toList());
  }

  private static Patient anySamplePatient() {
    Bundle patients = client.search().forResource(Patient.class).count(1).returnBundle(Bundle.class).execute();
    return (Patient) patients.getEntryFirstRep().getResource();
  }

  private static Map<String, Object> contact(String id) {
    List<Map<String, Object>> rows = TestTargets.rows(target, "SELECT * FROM contact WHERE msemr_azurefhirid = ?", id);
    return rows.isEmpty() ? null : rows.get(0);
  }
}
