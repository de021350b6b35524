package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.TestServer;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.TargetConfig;
import io.brazier.testkit.Eventually;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  /**
   * The agent's status lists the ten latest back-fills: the one followed must not get lost behind more queued after
   * it. Another agent holds the lead (its leader lock, taken here over JDBC as an agent takes it) and runs none, so
   * that all stay queued while eleven more are queued after the one followed; when it lets go, this one runs them.
   */
  @Test
  void aBackfillIsFollowedToItsEndWhenMoreThanTenAreQueuedAfterIt() throws Exception {
    TargetConfig target = SyncAgents.target();
    try (Connection leader = DriverManager.getConnection(target.url(), target.user(), target.password());
        SyncRunner standby = start(leader, target)) {
      String address = SyncAgents.address(standby);
      AgentClient client = new AgentClient(URI.create(address));
      CompletableFuture<Cli> followed = CompletableFuture.supplyAsync(() -> Cli.run("sync", "backfill", "--agent",
          address, "--types", "Patient"));
      Eventually.within(Duration.ofSeconds(30), () -> assertThat(client.get("sync/status").path("backfills"))
          .hasSize(1));
      for (int i = 0; i < 11; i++) {
        client.post("sync/backfill?types=Patient");
      }
      Thread.sleep(2_500); // more than a poll of the command's: it has looked for its job among the latest ten

      leader.close();

      Cli run = followed.get(2, TimeUnit.MINUTES);
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(standby.agent().status().role()).isEqualTo("active");
    }
  }

  /** An agent on {@code target} that stands by, as {@code leader} holds the lead. */
  private static SyncRunner start(Connection leader, TargetConfig target) throws Exception {
    try (PreparedStatement lock = leader.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
      lock.setString(1, "brazier-sync:" + target.schema() + ":" + server.baseUrl().replaceAll("/$", ""));
      lock.execute();
    }
    return SyncAgents.start(SyncConfig.defaults(), target);
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
