package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.Parallel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.brazier.sync.target.DeadLetter;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Person;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class WorkersTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String MAPS_PATIENT = """
      {"resource": "Patient", "table": "contact", "attributes": [{"column": "lastname", "path": "name.family"}]}""";
  private static final String MAPS_OBSERVATION = """
      {"resource": "Observation", "table": "msemr_observation", "attributes": [
        {"column": "msemr_patient", "path": "subject", "action": "lookup"},
        {"column": "msemr_value", "path": "value.ofType(string)"}]}""";
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void concurrentWritersOfManyPatientsEndInTheTargetAsInFhirEachPatientInOrder() throws Exception {
    int patients = 6;
    int updates = 8;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < patients; i++) {
      ids.add(client.create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("v0")))
          .execute().getId().getIdPart());
    }
    TargetConfig target = TestTargets.inOtherDatabase();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(Agents.maps("patient.json", MAPS_PATIENT,
        "observation.json", MAPS_OBSERVATION)))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().role()).isEqualTo("active"));
      // One writer per patient; its steps are that patient's updates, in order.
      Parallel.Run<Object> writers = Parallel.run(patients, updates, (writer, step) -> {
        String id = ids.get(writer);
        int update = step + 1;
        client.update().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName()
            .setFamily("v" + update)).setId("Patient/" + id)).execute();
        return client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
            .setCode(new CodeableConcept().setText("pulse"))
            .setValue(new org.hl7.fhir.r4.model.StringType("o" + update)).setSubject(new Reference("Patient/" + id)))
            .execute();
      });

      assertThat(writers.mostAtOnce()).as("writers overlapped").isGreaterThan(1);
      Eventually.within(DEADLINE, () -> {
        for (String id : ids) {
          assertThat(TestTargets.rows(target, "SELECT lastname, msemr_azurefhirversion FROM contact WHERE"
              + " msemr_azurefhirid = ?", id)).containsExactly(Map.of("lastname", "v" + updates,
              "msemr_azurefhirversion", updates + 1));
          assertThat(TestTargets.number(target, "SELECT count(*) FROM msemr_observation o JOIN contact c"
              + " ON c.contactid = o.msemr_patient WHERE c.msemr_azurefhirid = ?", id)).isEqualTo(updates);
        }
      });
      for (String id : ids) {
        List<Object> sequences = TestTargets.rows(target, "SELECT l.seq FROM sync_log l JOIN sync_version v ON"
            + " v.type = l.type AND v.id = l.res_id WHERE v.partition = ? AND l.outcome = 'written' AND l.seq > 0"
            // A worker's transactions follow each other (their log rows' time is their start); in one, order is moot.
            + " ORDER BY l.at, l.seq",
            "Patient/" + id).stream().map(row -> row.get("seq")).toList();
        assertThat(sequences).as("Patient/" + id + "'s changes applied in their order").isNotEmpty()
            .isSortedAccordingTo((a, b) -> Long.compare((Long) a, (Long) b));
      }
    }
  }

  /**
   * The target's owner added a constraint that one patient's row breaks: that change is tried --sync-max-attempts
   * times (two here) and dead-lettered with the target's reason (not the row, which is patient data), and the changes
   * queued with it are written.
   */
  @Test
  void aChangeTheTargetRefusesIsTriedItsAttemptsAndDeadLetteredWhileTheOthersAreWritten() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(Agents.maps("patient.json", MAPS_PATIENT)))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      TestTargets.execute(target, "ALTER TABLE contact ADD CONSTRAINT no_refused CHECK (lastname <> 'Refused')");
      List<String> ids = new ArrayList<>();
      for (String family : List.of("Before", "Refused", "After")) {
        ids.add(client.create().resource(new Patient().addName(new HumanName().setFamily(family))).execute().getId()
            .getIdPart());
      }

      Eventually.within(DEADLINE, () -> assertThat(agent.deadLetters(null, 10)).singleElement()
          .returns(ids.get(1), DeadLetter::resourceId).returns(2, DeadLetter::attempts)
          .returns("new row for relation \"contact\" violates check constraint \"no_refused\" (SQL state 23514)",
              DeadLetter::error));
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.rows(target, "SELECT lastname FROM contact WHERE"
          + " msemr_azurefhirid = ANY (?)", (Object) ids.toArray(String[]::new)))
          .extracting(row -> row.get("lastname")).containsExactlyInAnyOrder("Before", "After"));
      assertThat(agent.status().failures()).isGreaterThanOrEqualTo(2);
    }
  }

  /**
   * A map's path that fails on a resource, whatever HAPI's FHIRPath engine throws (TestMaps.person's nickname: a
   * StringIndexOutOfBoundsException), is the map's error, not a bug: that change is dead-lettered at once, naming the
   * map, the attribute and the path for the map's author to fix, while the changes queued with it are written and the
   * agent stays healthy.
   */
  @Test
  void aChangeWhoseMapsPathFailsOnItIsDeadLetteredAtOnceNamingTheMapWhileTheOthersAreWritten() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    Path maps = Agents.maps("person.json", TestMaps.person(""));
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      List<String> ids = new ArrayList<>();
      for (Person person : List.of(new Person().addName(new HumanName().setFamily("Before")),
          TestMaps.unmappablePerson("Unmappable"),
          new Person().addName(new HumanName().setFamily("After")))) {
        ids.add(client.create().resource(person).execute().getId().getIdPart());
      }

      Eventually.within(DEADLINE, () -> assertThat(agent.deadLetters(null, 100))
          .filteredOn(letter -> ids.contains(letter.resourceId())).singleElement()
          .returns(ids.get(1), DeadLetter::resourceId).returns(1, DeadLetter::attempts)
          .satisfies(letter -> assertThat(letter.error()).startsWith("Person/" + ids.get(1) + ": " + TestMaps.NICKNAME)
              .contains("StringIndexOutOfBoundsException")));
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.rows(target, "SELECT lastname FROM person WHERE"
          + " msemr_azurefhirid = ANY (?)", (Object) ids.toArray(String[]::new)))
          .extracting(row -> row.get("lastname")).containsExactlyInAnyOrder("Before", "After"));
      assertThat(agent.down()).isEmpty();
    }
  }

  /**
   * The target database takes no writes for a while (a standby after a failover, or read-only for maintenance: it
   * answers SQL state 25006): that is an outage like its going away, waited out without counting attempts, so the
   * change made meanwhile is written once it takes writes again, not dead-lettered.
   */
  @Test
  void aChangeMadeWhileTheTargetTakesNoWritesIsWrittenOnceItDoesAndNotDeadLettered() throws Exception {
    TargetConfig owner = TestTargets.inOtherDatabase();
    TargetConfig target = roleOf(owner);
    String role = target.user();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(Agents.maps("patient.json", MAPS_PATIENT)))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      readOnly(owner, role, true);
      long before = agent.status().sources().get(0).position();

      String id = client.create().resource(new Patient().addName(new HumanName().setFamily("Meanwhile"))).execute()
          .getId().getIdPart();
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).position()).isGreaterThan(before));
      Thread.sleep(3_000); // its two attempts, 100 ms apart, would have given it up by now
      readOnly(owner, role, false);

      Eventually.within(DEADLINE, () -> assertThat(TestTargets.rows(target, "SELECT lastname FROM contact WHERE"
          + " msemr_azurefhirid = ?", id)).extracting(row -> row.get("lastname")).containsExactly("Meanwhile"));
      assertThat(agent.deadLetters(null, 10)).isEmpty();
    }
  }

  /**
   * The target refuses the workers' checkpoint (its owner added a constraint that no position meets): no outage to
   * wait out and no change's fault, so the workers try it again and sync nothing meanwhile. /healthz names the
   * checkpoint once that has lasted --sync-unhealthy-after, and is up again once it is written, when what changed
   * meanwhile is synced, nothing dead-lettered.
   */
  @Test
  void aCheckpointTheTargetRefusesIsNamedInTheHealthUntilItIsWritten() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    SyncConfig config = Agents.config(Agents.maps("patient.json", MAPS_PATIENT)).withUnhealthyAfter(Duration.ZERO);
    try (SyncAgent agent = Agents.start(server, target, config)) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      TestTargets.execute(target, "ALTER TABLE sync_checkpoint ADD CONSTRAINT no_position CHECK (seq < 0) NOT VALID");
      String id = client.create().resource(new Patient().addName(new HumanName().setFamily("Meanwhile"))).execute()
          .getId().getIdPart();

      Eventually.within(DEADLINE, () -> assertThat(agent.down()).containsOnlyKeys("checkpoint"));
      assertThat(agent.down().get("checkpoint")).startsWith("cannot be written since ").contains("no_position");
      TestTargets.execute(target, "ALTER TABLE sync_checkpoint DROP CONSTRAINT no_position");

      Eventually.within(DEADLINE, () -> assertThat(agent.down()).isEmpty());
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.rows(target, "SELECT lastname FROM contact WHERE"
          + " msemr_azurefhirid = ?", id)).extracting(row -> row.get("lastname")).containsExactly("Meanwhile"));
      assertThat(agent.deadLetters(null, 10)).isEmpty();
    }
  }

  /** The target in {@code owner}'s schema, for a role of its own that the test can take rights from. */
  private static TargetConfig roleOf(TargetConfig owner) {
    String role = "sync_" + owner.schema();
    TestTargets.execute(owner, "CREATE ROLE " + role + " LOGIN PASSWORD 'sync'");
    TestTargets.execute(owner, "GRANT CREATE ON DATABASE postgres TO " + role);
    // The owner's URL names its user; the agent's connects as the role.
    return new TargetConfig(owner.url().replaceAll("\\?.*", ""), role, "sync", owner.schema(), owner.poolSize());
  }

  /**
   * Makes the role's sessions read-only, or writable again, from their next connection on, and ends those of the
   * agent's pool, as recycling its connections would in time; the agent's leader lock keeps its own.
   */
  private static void readOnly(TargetConfig owner, String role, boolean readOnly) {
    TestTargets.execute(owner, "ALTER ROLE " + role + (readOnly ? " SET default_transaction_read_only = on"
        : " RESET default_transaction_read_only"));
    TestTargets.execute(owner, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role
        + "' AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')");
  }
}
