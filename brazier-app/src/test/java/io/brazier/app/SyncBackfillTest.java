package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.TestServer;
import io.brazier.sync.SyncConfig;
import java.net.URI;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code brazier sync backfill}: queued in a running agent, followed to its end, and what users get wrong. */
class SyncBackfillTest {
  private static final TestServer server = TestServer.shared();
  private static SyncRunner runner;
  private static String agent;

  @BeforeAll
  static void startAgent() throws Exception {
    String patient = "backfill-cli-" + UUID.randomUUID().toString().substring(0, 8);
    server.client().update().resource(new Patient().setActive(true).setId(patient)).execute();
    server.client().create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse"))
        .setSubject(new Reference("Patient/" + patient))).execute();
    runner = SyncAgents.start(SyncConfig.defaults());
    agent = SyncAgents.address(runner);
  }

  @AfterAll
  static void stopAgent() {
    runner.close();
  }

  @Test
  void aBackfillOfTwoTypesIsFollowedUntilTheAgentSaysItIsDone() throws Exception {
    Cli run = Cli.run("sync", "backfill", "--agent", agent, "--types", "Patient,Observation");

    assertThat(run.code()).as(run.err()).isZero();
    String job = run.out().strip().split("\\s+")[1];
    JsonNode backfill = backfill(job);
    assertThat(backfill.path("status").asText()).isEqualTo("done");
    assertThat(backfill.path("done").asLong()).as("what FHIR holds of both types").isGreaterThanOrEqualTo(2);
    assertThat(backfill.path("done").asLong()).isEqualTo(backfill.path("total").asLong());
  }

  /** The command list of {@code brazier sync --help} shows a subcommand's first line only: a whole sentence. */
  @Test
  void theSyncCommandsHelpSaysWhatABackfillIsInAWholeSentence() {
    Cli run = Cli.run("sync", "--help");

    assertThat(run.out()).containsPattern("backfill +Syncs again what FHIR holds of the synced types\\.");
  }

  @Test
  void withNoWaitItReturnsOnceQueued() throws Exception {
    Cli run = Cli.run("sync", "backfill", "--agent", agent, "--types", "Patient", "--no-wait");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).matches("Back-fill [0-9a-f-]{36} queued\\R");
    assertThat(backfill(run.out().strip().split("\\s+")[1]).isMissingNode()).isFalse();
  }

  @Test
  void aTypeTheAgentDoesNotSyncExitsOneNamingItAndQueuesNothing() throws Exception {
    int before = new AgentClient(URI.create(agent)).get("sync/status").path("backfills").size();

    Cli run = Cli.run("sync", "backfill", "--agent", agent, "--types", "Patient,Basic");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("brazier sync backfill: ").contains("Basic").doesNotContain("\tat ");
    assertThat(new AgentClient(URI.create(agent)).get("sync/status").path("backfills")).hasSize(before);
  }

  @Test
  void anAgentAddressThatIsNotAUrlIsAUsageError() {
    // picocli names the option by its longest name, --sync-agent, of which --agent is the short form.
    Cli.run("sync", "backfill", "--agent", "http://exa mple:8083/", "--no-wait").refused("--sync-agent");
  }

  private static JsonNode backfill(String job) throws AgentClient.Refused {
    for (JsonNode backfill : new AgentClient(URI.create(agent)).get("sync/status").path("backfills")) {
      if (backfill.path("id").asText().equals(job)) {
        return backfill;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
