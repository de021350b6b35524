package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.ClientCredentials;
import io.brazier.server.TestServer;
import io.brazier.sync.dataverse.ODataService;
import io.brazier.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Write-back from Dataverse: a real Brazier, the agent over HTTP, and a real OData v4 service (Olingo on Jetty) whose
 * change tracking the agent polls; rows edited there as the service's users would. A changed row with sync on shows
 * in FHIR, read with the HAPI client, and nothing echoes; a row without sync stays the target's; a row inserted with
 * sync on becomes a new Patient that the feed's later versions update in place.
 */
class DataverseWriteBackTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static TestServer server;
  private static IGenericClient client;
  private static Patients patients;
  private static ODataService dataverse;
  private static TargetConfig bookkeeping;
  private static SyncAgent agent;

  @BeforeAll
  static void startTheServiceAndTheAgent() throws Exception {
    server = TestServer.shared();
    client = server.client();
    patients = new Patients(client);
    Path maps = Agents.creatingPatients();
    dataverse = ODataService.start(TestMaps.builtIn());
    DataverseConfig config = new DataverseConfig(dataverse.url(), new ClientCredentials.Config(dataverse.tokenUrl(),
        ODataService.CLIENT_ID, ODataService.CLIENT_SECRET, "https://org.crm.dynamics.com/.default", null));
    bookkeeping = TestTargets.inOtherDatabase();
    agent = SyncAgent.start(Agents.client(server), server.fhir(), bookkeeping, Agents.config(maps),
        new Channels(config, null), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    agent.close();
    dataverse.close();
  }

  @Test
  void aMobileNumberChangedInDataverseShowsInFhirAndNothingEchoes() {
    String id = patient("Mobile");
    UUID row = rowOf(id);
    dataverse.edit("contact", row, Map.of("msemr_azurefhirsyncenabled", true));

    dataverse.edit("contact", row, Map.of("mobilephone", "555-0400"));

    Eventually.within(DEADLINE, () -> assertThat(Patients.mobile(patients.read(id))).isEqualTo("555-0400"));
    Patient written = patients.read(id);
    assertThat(written.getMeta().getVersionId()).isEqualTo("2");
    assertThat(written.getMeta().getSource()).isEqualTo(SyncAgent.WRITE_BACK_SOURCE);
    Eventually.within(DEADLINE, () -> assertThat(dataverse.row("contact", "msemr_azurefhirid", id))
        .containsEntry("msemr_azurefhirversion", 2));
    barrier();
    assertThat(patients.versions(id)).as("no echo").isEqualTo(2);
    assertThat(TestTargets.number(bookkeeping, "SELECT count(*) FROM sync_conflict WHERE res_id = ?", id)).isZero();
  }

  @Test
  void aRowWithoutTheSyncFlagIsNotWrittenBack() {
    String id = patient("Nosync");
    dataverse.edit("contact", rowOf(id), Map.of("mobilephone", "555-0500"));

    barrier();

    assertThat(patients.versions(id)).isEqualTo(1);
    assertThat(Patients.mobile(patients.read(id))).isNull();
  }

  @Test
  void aRowInsertedInDataverseBecomesAPatientThatFhirsLaterVersionsUpdateInPlace() {
    UUID row = UUID.randomUUID();
    String id = row.toString();

    dataverse.edit("contact", row, Map.of("msemr_contacttype", "Patient", "firstname", "Dana", "lastname", "Inserted",
        "gendercode", 2, "mobilephone", "555-0600", "msemr_azurefhirsyncenabled", true));

    Eventually.within(DEADLINE, () -> assertThat(dataverse.row("contact", "contactid", row))
        .containsEntry("msemr_azurefhirid", id).containsEntry("msemr_azurefhirversion", 1));
    Patient made = patients.read(id);
    assertThat(made.getNameFirstRep().getFamily()).isEqualTo("Inserted");
    assertThat(Patients.mobile(made)).isEqualTo("555-0600");
    barrier();
    assertThat(patients.versions(id)).as("no echo").isEqualTo(1);

    made.getNameFirstRep().setFamily("Renamed");
    made.addIdentifier().setSystem("urn:test:mrn").setValue("DV-MADE-" + id);
    client.update().resource(made).execute();

    Eventually.within(DEADLINE, () -> assertThat(dataverse.row("contact", "contactid", row))
        .containsEntry("lastname", "Renamed").containsEntry("msemr_azurefhirversion", 2));
    assertThat(dataverse.row("msemr_medicalidentifier", "msemr_identifiervalue", "DV-MADE-" + id))
        .as("bound to the row Dataverse made, by its FHIR id").containsEntry("_msemr_patient_value", row);
    assertThat(dataverse.rows("contact").stream().filter(contact -> id.equals(contact.get("msemr_azurefhirid"))))
        .as("no second row").hasSize(1);
  }

  /** A patient made in FHIR and synced to Dataverse; its id. */
  private static String patient(String family) {
    Patient patient = new Patient().addName(new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family));
    String id = client.create().resource(patient).execute().getId().getIdPart();
    Eventually.within(DEADLINE, () -> assertThat(dataverse.row("contact", "msemr_azurefhirid", id)).isNotNull());
    return id;
  }

  private static UUID rowOf(String id) {
    return (UUID) dataverse.row("contact", "msemr_azurefhirid", id).get("contactid");
  }

  /**
   * A barrier: a row with sync on changed in Dataverse and written to FHIR, so the agent has read Dataverse's changes
   * past whatever came before, and the feed past the write-back's own version.
   */
  private static void barrier() {
    String id = patient("Barrier");
    UUID row = rowOf(id);
    dataverse.edit("contact", row, Map.of("msemr_azurefhirsyncenabled", true, "firstname", "Passed"));
    Eventually.within(DEADLINE, () -> assertThat(dataverse.row("contact", "contactid", row))
        .containsEntry("msemr_azurefhirversion", 2));
  }
}
