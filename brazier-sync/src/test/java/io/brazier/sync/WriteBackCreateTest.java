package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import io.brazier.sync.map.Keys;
import io.brazier.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Write-back that creates: a {@code contact} row the target inserts, with sync on and no FHIR id, becomes a new
 * Patient in a real Brazier (read with the HAPI client); the row takes its id, version and key, so the feed's later
 * versions of it land on that row, and nothing echoes or doubles.
 */
class WriteBackCreateTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static TestServer server;
  private static IGenericClient client;
  private static Patients patients;
  private static String samplePatient;
  /** The built-in maps, with the Patient map allowed to create. */
  private static Path creating;

  @BeforeAll
  static void loadASamplePatient() throws Exception {
    server = TestServer.start(Mc4hSample.serverConfig());
    client = server.client();
    patients = new Patients(client);
    Patient sample = new Patient();
    sample.addName().setUse(org.hl7.fhir.r4.model.HumanName.NameUse.OFFICIAL).setFamily("Sample").addGiven("Sam");
    samplePatient = client.create().resource(sample).execute().getId().getIdPart();
    creating = Agents.creatingPatients();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aRowInsertedInTheTargetBecomesAPatientAndTheRowFollowsIt() {
    TargetConfig target = TestTargets.inOtherDatabase();
    UUID key = UUID.randomUUID();
    String id = key.toString();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(creating))) {
      synced(target);

      insert(target, key, "'Newrow'");

      Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, id))
          .containsEntry("msemr_azurefhirversion", 1));
      Patient made = patients.read(id);
      assertThat(made.getNameFirstRep().getFamily()).isEqualTo("Newrow");
      assertThat(made.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Nora");
      assertThat(made.getGender()).isEqualTo(Enumerations.AdministrativeGender.FEMALE);
      assertThat(made.getTelecom()).singleElement().satisfies(telecom -> {
        assertThat(telecom.getUse()).isEqualTo(ContactPoint.ContactPointUse.MOBILE);
        assertThat(telecom.getValue()).isEqualTo("555-0300");
      });
      assertThat(made.getMeta().getSource()).isEqualTo(SyncAgent.WRITE_BACK_SOURCE);
      assertThat(Patients.contact(target, id).get("contactid")).as("the key computed from Patient/%s", id)
          .isEqualTo(Keys.row("Patient", id));
      feedPassed(target);
      assertThat(patients.versions(id)).as("no echo").isEqualTo(1);
      assertThat(TestTargets.number(target, "SELECT count(*) FROM contact WHERE lastname = 'Newrow'"))
          .as("no second row").isEqualTo(1);
      assertThat(TestTargets.number(target, "SELECT count(*) FROM sync_row_change")).isZero();

      made.getNameFirstRep().setFamily("Changedinfhir");
      client.update().resource(made).execute();

      Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, id))
          .containsEntry("lastname", "Changedinfhir")
          .containsEntry("msemr_azurefhirversion", 2));
      assertThat(TestTargets.number(target, "SELECT count(*) FROM contact WHERE msemr_azurefhirid = ?", id))
          .isEqualTo(1);
    }
  }

  @Test
  void aRowThatLacksARequiredColumnIsLoggedAndSkippedAndNothingIsWritten() {
    TargetConfig target = TestTargets.inOtherDatabase();
    UUID key = UUID.randomUUID();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(creating))) {
      synced(target);

      insert(target, key, "NULL");

      Eventually.within(DEADLINE, () -> assertThat(TestTargets.rows(target, "SELECT error, attempts, refused FROM"
          + " sync_row_change")).singleElement().satisfies(change -> {
            assertThat((String) change.get("error")).contains("contact.lastname is required");
            assertThat(change.get("refused")).as("given up at once: trying again cannot help").isEqualTo(true);
            assertThat(change.get("attempts")).as("the one attempt made").isEqualTo(1);
          }));
      assertThatThrownBy(() -> patients.read(key.toString())).isInstanceOf(ResourceNotFoundException.class);
      assertThat(TestTargets.rows(target, "SELECT msemr_azurefhirid FROM contact WHERE contactid = ?", key))
          .singleElement().satisfies(row -> assertThat(row.get("msemr_azurefhirid")).isNull());
    }
  }

  @Test
  void aMapThatDoesNotCreateLeavesAnInsertedRowAlone() {
    TargetConfig target = TestTargets.inOtherDatabase();
    UUID key = UUID.randomUUID();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(Agents.maps()))) {
      synced(target);

      insert(target, key, "'Notcreated'");

      Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target, "SELECT count(*) FROM"
          + " sync_row_change")).isZero());
      assertThatThrownBy(() -> patients.read(key.toString())).isInstanceOf(ResourceNotFoundException.class);
      assertThat(TestTargets.number(target, "SELECT count(*) FROM contact WHERE contactid = ? AND msemr_azurefhirid"
          + " IS NULL", key)).isEqualTo(1);
    }
  }

  /** A patient row as the target's user inserts it, sync on, with {@code lastname} as SQL. */
  private static void insert(TargetConfig target, UUID key, String lastname) {
    TestTargets.execute(target, "INSERT INTO contact (contactid, msemr_contacttype, firstname, lastname, gendercode,"
        + " mobilephone, msemr_azurefhirsyncenabled) VALUES ('" + key + "', 'Patient', 'Nora', " + lastname
        + ", 2, '555-0300', true)");
  }

  /** Waits until the sample patient's row is in the target: the agent has started its work. */
  private static void synced(TargetConfig target) {
    Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, samplePatient)).isNotEmpty());
  }

  /** A barrier: the sample patient changed in FHIR and synced, so the feed is past whatever came before. */
  private static void feedPassed(TargetConfig target) {
    Patient patient = patients.read(samplePatient);
    patient.getNameFirstRep().setFamily("Sample" + System.nanoTime() % 1000);
    int version = Integer.parseInt(client.update().resource(patient).execute().getId().getVersionIdPart());
    Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, samplePatient))
        .containsEntry("msemr_azurefhirversion", version));
  }
}
