package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brazier.server.TestServer;
import io.brazier.sync.target.LeftRowChanges;
import io.brazier.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Write-back end to end, as the training does it: sample patients loaded into a real Brazier, synced over HTTP into a
 * target in another PostgreSQL, sync enabled on a {@code contact} row and its {@code mobilephone} changed there; FHIR,
 * read with the HAPI client, shows it, and nothing echoes. Conflicts are made by stopping the agent, changing both
 * sides, and starting it again.
 */
class WriteBackTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final List<String> FILES = List.of("Aaron697_Morissette863", "Aaron697_Willms744", "Abe604_Marks830");
  /** The ids the server gave the three sample patients. */
  private static final List<String> PATIENTS = new ArrayList<>();
  private static final AtomicInteger CONFLICTS = new AtomicInteger();
  private static TestServer server;
  private static IGenericClient client;
  private static Patients patients;
  private static Path maps;

  @BeforeAll
  static void loadThreeSamplePatients() throws Exception {
    server = TestServer.start(Mc4hSample.serverConfig());
    client = server.client();
    patients = new Patients(client);
    List<String> files = Mc4hSample.files();
    List<byte[]> bundles = Mc4hSample.bundles();
    for (String name : FILES) {
      byte[] bundle = bundles.get(files.indexOf(files.stream().filter(file -> file.startsWith(name)).findFirst()
          .orElseThrow()));
      Bundle response = server.http().send("POST", "/fhir", bundle).resource(Bundle.class);
      response.getEntry().stream().map(entry -> entry.getResponse().getLocation())
          .filter(location -> location.startsWith("Patient/")).findFirst()
          .ifPresent(location -> PATIENTS.add(location.split("/")[1]));
    }
    assertThat(PATIENTS).hasSize(3);
    maps = Agents.maps();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aMobileNumberChangedInTheTargetShowsInFhirAndNothingEchoes() {
    TargetConfig target = TestTargets.inOtherDatabase();
    String id = PATIENTS.get(0);
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      int synced = syncedVersion(target, id);
      enableSync(target, id);

      TestTargets.execute(target, "UPDATE contact SET mobilephone = '555-0100' WHERE msemr_azurefhirid = '" + id + "'");

      Eventually.within(DEADLINE, () -> assertThat(Patients.mobile(patients.read(id))).isEqualTo("555-0100"));
      Patient written = patients.read(id);
      assertThat(written.getMeta().getVersionId()).isEqualTo(String.valueOf(synced + 1));
      assertThat(written.getMeta().getSource()).isEqualTo(SyncAgent.WRITE_BACK_SOURCE);
      assertThat(written.getTelecom()).as("the home phone is kept").anySatisfy(telecom ->
          assertThat(telecom.getUse()).isEqualTo(ContactPoint.ContactPointUse.HOME));
      Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, id).get("msemr_azurefhirversion"))
          .isEqualTo(synced + 1));
      feedPassed(target, PATIENTS.get(2));
      assertThat(patients.versions(id)).as("versions of Patient/%s: one more, no echo", id).isEqualTo(synced + 1);
      assertThat(Patients.contact(target, id).get("mobilephone")).isEqualTo("555-0100");
      assertThat(TestTargets.number(target, "SELECT count(*) FROM sync_row_change")).isZero();
    }
  }

  @Test
  void aRowWithoutTheSyncFlagIsNotWrittenBack() {
    TargetConfig target = TestTargets.inOtherDatabase();
    String id = PATIENTS.get(1);
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      int synced = syncedVersion(target, id);
      String mobile = Patients.mobile(patients.read(id));

      TestTargets.execute(target, "UPDATE contact SET mobilephone = '555-0200' WHERE msemr_azurefhirid = '" + id + "'");

      assertThat(TestTargets.number(target, "SELECT count(*) FROM sync_row_change")).isZero();
      feedPassed(target, PATIENTS.get(2));
      assertThat(patients.versions(id)).isEqualTo(synced);
      assertThat(Patients.mobile(patients.read(id))).isEqualTo(mobile);
    }
  }

  @Test
  void aFhirChangeSyncedToTheRowIsNotTakenForTheTargetsChange() {
    TargetConfig target = TestTargets.inOtherDatabase();
    String id = PATIENTS.get(1);
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      syncEnabledAndSettled(target, id);
      Patient patient = patients.read(id);
      patient.getNameFirstRep().setFamily("Renamed");

      int version = Integer.parseInt(client.update().resource(patient).execute().getId().getVersionIdPart());

      Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, id).get("lastname")).isEqualTo("Renamed"));
      assertThat(TestTargets.number(target, "SELECT count(*) FROM sync_row_change")).isZero();
      feedPassed(target, PATIENTS.get(2));
      assertThat(patients.versions(id)).isEqualTo(version);
    }
  }

  @Test
  void aRequiredColumnLeftEmptyIsRefusedAndFhirKeepsItsValue() {
    TargetConfig target = TestTargets.inOtherDatabase();
    String id = PATIENTS.get(2);
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      int synced = syncedVersion(target, id);
      enableSync(target, id);

      TestTargets.execute(target, "UPDATE contact SET lastname = NULL WHERE msemr_azurefhirid = '" + id + "'");

      // The enabling and the emptying are one change or two, as the agent's polls fell: each keeps the error.
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.rows(target, "SELECT error FROM sync_row_change"
          + " WHERE error IS NOT NULL")).isNotEmpty().allSatisfy(row -> assertThat((String) row.get("error"))
          .contains("contact.lastname is required")));
      assertThat(patients.versions(id)).isEqualTo(synced);
    }
  }

  /**
   * An emptied mobile number is written as an empty value, which FHIR refuses (400): the change is tried once, kept
   * with FHIR's OperationOutcome and counted in the status, and a later change of the row, written on its own, does
   * not take it away.
   */
  @Test
  void aChangeFhirRefusesIsKeptWithItsOutcomeAndCountedThroughTheRowsLaterChanges() {
    TargetConfig target = TestTargets.inOtherDatabase();
    String id = PATIENTS.get(1);
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      syncEnabledAndSettled(target, id);

      changeRow(target, id, "");

      Eventually.within(DEADLINE, () -> assertThat(agent.status().writeBackLeft()).isOne());
      Map<String, Object> left = TestTargets.rows(target, "SELECT attempts, refused, error FROM sync_row_change")
          .get(0);
      assertThat(left.get("attempts")).as("tried once: FHIR would refuse it again").isEqualTo(1);
      assertThat(left.get("refused")).isEqualTo(true);
      assertThat((String) left.get("error")).startsWith("PUT Patient/" + id + " answered 400: ")
          .contains("must not be empty");

      TestTargets.execute(target, "UPDATE contact SET lastname = 'Later' WHERE msemr_azurefhirid = '" + id + "'");

      Eventually.within(DEADLINE, () -> assertThat(patients.read(id).getNameFirstRep().getFamily())
          .isEqualTo("Later"));
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target, "SELECT count(*) FROM"
          + " sync_row_change WHERE NOT refused")).isZero());
      assertThat(TestTargets.rows(target, "SELECT attempts, error FROM sync_row_change")).singleElement()
          .isEqualTo(Map.of("attempts", 1, "error", left.get("error")));
      assertThat(agent.status().writeBackLeft()).isOne();
    }
  }

  /**
   * A map whose mobile number element runs through {@code gender}, a primitive, cannot make it in the resource: the
   * map's error, so the row's change is tried once and left for the operator, the log's warning naming the row, and
   * write-back goes on with the other rows.
   */
  @Test
  void anElementPathThatCannotBeMadeLeavesItsRowAtOnceAndWriteBackGoesOn() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    String broken = PATIENTS.get(0);
    String other = PATIENTS.get(2);
    Logger logger = (Logger) LoggerFactory.getLogger(WriteBack.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (SyncAgent agent = Agents.start(server, target, Agents.config(mobileThroughGender()))) {
      syncedVersion(target, broken);
      syncedVersion(target, other);
      enableSync(target, broken);
      enableSync(target, other);
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target, "SELECT count(*) FROM sync_row_change"))
          .isZero());

      changeRow(target, broken, "555-0300");

      Eventually.within(DEADLINE, () -> assertThat(agent.status().writeBackLeft()).isOne());
      LeftRowChanges.Left left = agent.leftRowChanges(null, 10).get(0);
      assertThat(left.fhirId()).isEqualTo(broken);
      assertThat(left.attempts()).as("tried once: the map would refuse it again").isEqualTo(1);
      assertThat(left.error()).isEqualTo("contact.mobilephone: 'gender.telecom[0]' cannot be made in this resource");
      assertThat(lines.list).anySatisfy(line -> {
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(line.getFormattedMessage()).contains("contact row " + left.key(), "its map cannot take it");
      });

      TestTargets.execute(target, "UPDATE contact SET lastname = 'GoesOn' WHERE msemr_azurefhirid = '" + other + "'");

      Eventually.within(DEADLINE, () -> assertThat(patients.read(other).getNameFirstRep().getFamily())
          .isEqualTo("GoesOn"));
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void fhirWinsKeepsFhirsValueAndSetsTheRowBack() {
    Conflict conflict = conflict(ConflictPolicy.FHIR_WINS, PATIENTS.get(0), false);

    assertThat(Patients.mobile(patients.read(conflict.id()))).isEqualTo(conflict.fhirValue());
    assertThat(patients.versions(conflict.id())).isEqualTo(conflict.fhirVersion());
    assertThat(Patients.contact(conflict.target(), conflict.id()).get("mobilephone")).isEqualTo(conflict.fhirValue());
    assertThat(conflict.logged().get("winner")).isEqualTo("fhir");
  }

  @Test
  void targetWinsWritesTheRowOverFhirsNewerVersion() {
    Conflict conflict = conflict(ConflictPolicy.TARGET_WINS, PATIENTS.get(1), false);

    assertThat(Patients.mobile(patients.read(conflict.id()))).isEqualTo(conflict.rowValue());
    assertThat(patients.versions(conflict.id())).isEqualTo(conflict.fhirVersion() + 1);
    assertThat(Patients.contact(conflict.target(), conflict.id()).get("mobilephone")).isEqualTo(conflict.rowValue());
    assertThat(conflict.logged().get("winner")).isEqualTo("target");
  }

  @Test
  void newestWinsTakesTheLaterChangeOfEitherSide() {
    Conflict rowLater = conflict(ConflictPolicy.NEWEST_WINS, PATIENTS.get(2), true);

    assertThat(Patients.mobile(patients.read(rowLater.id()))).isEqualTo(rowLater.rowValue());
    assertThat(rowLater.logged().get("winner")).isEqualTo("target");

    Conflict fhirLater = conflict(ConflictPolicy.NEWEST_WINS, PATIENTS.get(2), false);

    assertThat(Patients.mobile(patients.read(fhirLater.id()))).isEqualTo(fhirLater.fhirValue());
    assertThat(fhirLater.logged().get("winner")).isEqualTo("fhir");
  }

  /**
   * A conflict that was decided: the target it was in, the mobile numbers each side wrote, FHIR's version it met, and
   * its row in sync_conflict.
   */
  private record Conflict(TargetConfig target, String id, String rowValue, String fhirValue, int fhirVersion,
      Map<String, Object> logged) {}

  /**
   * Syncs {@code id} with the sync flag on, stops the agent, changes the mobile number in FHIR (555-FHIR-n) and in
   * the row (555-ROW-n), the row last when {@code rowLast}, and starts the agent again with {@code policy}, until the
   * conflict is decided and the row's changes are done.
   */
  private static Conflict conflict(ConflictPolicy policy, String id, boolean rowLast) {
    TargetConfig target = TestTargets.inOtherDatabase();
    int n = CONFLICTS.incrementAndGet();
    String rowValue = "555-ROW-" + n;
    String fhirValue = "555-FHIR-" + n;
    SyncConfig config = Agents.config(maps).withConflicts(policy);
    try (SyncAgent agent = Agents.start(server, target, config)) {
      syncEnabledAndSettled(target, id);
    }
    if (!rowLast) {
      changeRow(target, id, rowValue);
    }
    Patient patient = patients.read(id);
    patient.getTelecom().removeIf(telecom -> telecom.getUse() == ContactPoint.ContactPointUse.MOBILE);
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
        .setValue(fhirValue);
    int fhirVersion = Integer.parseInt(client.update().resource(patient).execute().getId().getVersionIdPart());
    if (rowLast) {
      changeRow(target, id, rowValue);
    }
    try (SyncAgent agent = Agents.start(server, target, config)) {
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target, "SELECT count(*) FROM sync_row_change"))
          .isZero());
      feedPassed(target, PATIENTS.get(0).equals(id) ? PATIENTS.get(1) : PATIENTS.get(0));
    }
    Map<String, Object> logged = TestTargets.rows(target, "SELECT * FROM sync_conflict").get(0);
    assertThat(logged.get("res_id")).isEqualTo(id);
    assertThat(logged.get("policy")).isEqualTo(policy.flag());
    assertThat(logged.get("fhir_version")).isEqualTo(fhirVersion);
    assertThat(logged.get("target_side").toString()).contains(rowValue);
    assertThat(logged.get("fhir_side").toString()).contains(fhirValue);
    return new Conflict(target, id, rowValue, fhirValue, fhirVersion, logged);
  }

  /** The built-in maps, with the element of the patient's mobile number (s and c) put under its gender, a string. */
  private static Path mobileThroughGender() throws java.io.IOException {
    Path dir = Agents.maps();
    Path patient = dir.resolve("patient.json");
    String map = Files.readString(patient);
    String select = "\"s\": \"$.telecom[?(@.system=='phone' && @.use=='mobile')].value\"";
    String parent = "\"p\": \"telecom[2]\"";
    assertThat(map).contains(select, parent);
    Files.writeString(patient, map.replace(select, "\"s\": \"$.gender.telecom[0].value\"").replace(parent,
        "\"p\": \"gender.telecom[0]\""));
    return dir;
  }

  /** Turns the row's sync flag on, as the target's user would. */
  /** Waits for the row of {@code id}, enables its sync, and waits until write-back has nothing left of that. */
  private static void syncEnabledAndSettled(TargetConfig target, String id) {
    syncedVersion(target, id);
    enableSync(target, id);
    Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target, "SELECT count(*) FROM sync_row_change"))
        .isZero());
  }

  private static void enableSync(TargetConfig target, String id) {
    TestTargets.execute(target, "UPDATE contact SET msemr_azurefhirsyncenabled = true WHERE msemr_azurefhirid = '"
        + id + "'");
  }

  private static void changeRow(TargetConfig target, String id, String mobile) {
    TestTargets.execute(target, "UPDATE contact SET mobilephone = '" + mobile + "' WHERE msemr_azurefhirid = '" + id
        + "'");
  }

  /** Waits for the row of {@code id} and answers its version. */
  private static int syncedVersion(TargetConfig target, String id) {
    Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, id).get("msemr_azurefhirversion"))
        .isEqualTo(patients.versions(id)));
    return (Integer) Patients.contact(target, id).get("msemr_azurefhirversion");
  }

  /**
   * A barrier: another patient updated in FHIR, and its new version synced, so the agent has read the feed past
   * whatever came before.
   */
  private static void feedPassed(TargetConfig target, String other) {
    Patient patient = patients.read(other);
    patient.setBirthDate(new java.util.Date(patient.getBirthDate().getTime() + 86_400_000L));
    int version = Integer.parseInt(client.update().resource(patient).execute().getId().getVersionIdPart());
    Eventually.within(DEADLINE, () -> assertThat(Patients.contact(target, other).get("msemr_azurefhirversion"))
        .isEqualTo(version));
  }
}
