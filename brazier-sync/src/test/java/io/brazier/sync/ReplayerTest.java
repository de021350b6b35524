package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import io.brazier.sync.target.DeadLetter;
import io.brazier.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class ReplayerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String SYSTEM = "urn:brazier:replay-test";
  /** A map that fails on a patient whose test identifier is not a number. */
  private static final String PATIENT = """
      {"resource": "Patient", "table": "patient_numbers", "attributes": [
        {"column": "%s", "path": "identifier.where(system = '%s').value", "type": "%s"}]}""";
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void aChangeItsMapCannotTakeIsDeadLetteredAndAReplayAfterTheMapIsFixedAppliesIt() throws Exception {
    Path maps = Agents.maps("patient.json", PATIENT.formatted("number", SYSTEM, "integer"));
    TargetConfig target = TestTargets.inOtherDatabase();
    String value = "not-a-number-" + UUID.randomUUID();
    String id = client.create().resource(new Patient().addIdentifier(new org.hl7.fhir.r4.model.Identifier()
        .setSystem(SYSTEM).setValue(value))).execute().getId().getIdPart();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.deadLetters(null, 10)).singleElement()
          .returns(id, DeadLetter::resourceId).returns(1, DeadLetter::attempts)
          .satisfies(letter -> assertThat(letter.error()).contains("'" + value + "' is not an integer")));
      assertThat(agent.status().deadLetters()).isOne();

      Files.writeString(maps.resolve("patient.json"), PATIENT.formatted("code", SYSTEM, "string"));
      Eventually.within(DEADLINE, () -> assertThat(agent.maps().root("Patient").columns().get(0).column())
          .isEqualTo("code"));
      ReplayResult result = agent.replay(null);

      assertThat(result).isEqualTo(new ReplayResult(1, 0));
      assertThat(agent.deadLetters(null, 10)).isEmpty();
      assertThat(TestTargets.rows(target, "SELECT code FROM patient_numbers WHERE msemr_azurefhirid = ?", id))
          .extracting(row -> row.get("code")).containsExactly(value);
    }
  }

  @Test
  void aReplayThatFailsAgainKeepsTheDeadLetterWithOneMoreAttempt() throws Exception {
    Path maps = Agents.maps("patient.json", PATIENT.formatted("number", SYSTEM + ":again", "integer"));
    TargetConfig target = TestTargets.inOtherDatabase();
    client.create().resource(new Patient().addIdentifier(new org.hl7.fhir.r4.model.Identifier()
        .setSystem(SYSTEM + ":again").setValue("x"))).execute();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(maps))) {
      Eventually.within(DEADLINE, () -> assertThat(agent.deadLetters(null, 10)).hasSize(1));
      long id = agent.deadLetters(null, 10).get(0).id();

      ReplayResult result = agent.replay(id);

      assertThat(result).isEqualTo(new ReplayResult(0, 1));
      List<DeadLetter> letters = agent.deadLetters(null, 10);
      assertThat(letters).singleElement().returns(2, DeadLetter::attempts);
    }
  }

  /**
   * A change whose map's path failed on it (HAPI's FHIRPath engine throws on a path of TestMaps.person), replayed
   * before the map is fixed and failing so again: its dead letter keeps naming the map's path, with one more attempt.
   */
  @Test
  void aReplayWhoseMapsPathFailsAgainKeepsNamingThePath() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    String id = client.create().resource(TestMaps.unmappablePerson("Replayed")).execute().getId().getIdPart();
    try (SyncAgent agent = Agents.start(server, target, Agents.config(Agents.maps("person.json",
        TestMaps.person(""))))) {
      Eventually.within(DEADLINE, () -> assertThat(letterOf(agent, id)).isPresent());

      ReplayResult result = agent.replay(letterOf(agent, id).orElseThrow().id());

      assertThat(result).isEqualTo(new ReplayResult(0, 1));
      assertThat(letterOf(agent, id)).get().returns(2, DeadLetter::attempts)
          .satisfies(letter -> assertThat(letter.error()).startsWith("Person/" + id + ": " + TestMaps.NICKNAME));
    }
  }

  private static Optional<DeadLetter> letterOf(SyncAgent agent, String id) throws Exception {
    return agent.deadLetters(null, 100).stream().filter(letter -> letter.resourceId().equals(id)).findFirst();
  }
}
