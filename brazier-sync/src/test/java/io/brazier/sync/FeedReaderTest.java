package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.sync.source.ChangeFeed;
import io.brazier.sync.source.FeedGone;
import io.brazier.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FeedReaderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String PATIENT = """
      {"resource": "Patient", "table": "contact", "attributes": [{"column": "lastname", "path": "name.family"}]}""";

  /** A server of this class's own: its feed loses changes as --changes-retention would, which others must not see. */
  private static TestServer server;
  private static IGenericClient client;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(ServerConfig.defaults());
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aPositionOlderThanTheFeedKeepsIsGoneAndTheServerSaysWhereToFollowFrom() throws Exception {
    long before = server.lastChange();
    create(client, "First");
    create(client, "Second");
    long latest = numbered(before, 2);
    forget();

    assertThatThrownBy(() -> new ChangeFeed(Agents.client(server), 10, Duration.ZERO).read(0, Set.of("Patient")))
        .isInstanceOfSatisfying(FeedGone.class, e -> assertThat(e.latest()).isEqualTo(latest));
  }

  @Test
  void anAgentTooFarBehindTheFeedBackfillsEverythingAndFollowsTheFeedFromWhereTheServerSays() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    SyncConfig config = Agents.config(Agents.maps("patient.json", PATIENT));
    String before = create(client, "Before");
    try (SyncAgent agent = Agents.start(server, target, config)) {
      Eventually.within(DEADLINE, () -> assertThat(lastname(target, before)).isEqualTo("Before"));
    }
    long down = server.lastChange();
    String whileDown = create(client, "WhileDown");
    create(client, "AlsoWhileDown"); // the newest change, which the feed keeps whatever its retention
    numbered(down, 2);
    forget();

    try (SyncAgent agent = Agents.start(server, target, config)) {
      Eventually.within(DEADLINE, () -> assertThat(lastname(target, whileDown)).isEqualTo("WhileDown"));
      String after = create(client, "After");

      Eventually.within(DEADLINE, () -> assertThat(lastname(target, after)).isEqualTo("After"));
      assertThat(agent.status().backfills()).singleElement()
          .satisfies(backfill -> assertThat(backfill.types()).containsExactly("Patient"));
    }
  }

  /** The FHIR server does not answer: the status says why, and not that the target is up to date. */
  @Test
  void aSourceThatCannotBeReadIsInTheStatusWithWhy() throws Exception {
    HttpFhirClient nowhere = new HttpFhirClient(URI.create("http://127.0.0.1:" + closedPort() + "/fhir"),
        Optional.empty(), Duration.ofSeconds(5));
    SyncConfig config = Agents.config(Agents.maps("patient.json", PATIENT));
    try (SyncAgent agent = SyncAgent.start(nowhere, server.fhir(), TestTargets.inOtherDatabase(), config,
        new SimpleMeterRegistry())) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources()).singleElement().satisfies(source -> {
        assertThat(source.error()).contains("could not be reached");
        assertThat(source.caughtUp()).isFalse();
      }));
    }
  }

  /**
   * The target answers but cannot give the checkpoint (its table renamed away, as an operator's slip would): the
   * reader tries again with backoff rather than stop for good, /healthz names the checkpoint once the reads have
   * failed for --sync-unhealthy-after (here at once), and once the table is back the agent syncs and is up again.
   */
  @Test
  void aCheckpointThatCannotBeReadIsReadAgainUntilItCanAndTheHealthSaysSoMeanwhile() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    SyncConfig config = Agents.config(Agents.maps("patient.json", PATIENT)).withUnhealthyAfter(Duration.ZERO);
    String before = create(client, "Before");
    try (SyncAgent agent = Agents.start(server, target, config)) {
      Eventually.within(DEADLINE, () -> assertThat(lastname(target, before)).isEqualTo("Before"));
    }
    TestTargets.execute(target, "ALTER TABLE sync_checkpoint RENAME TO sync_checkpoint_away");

    try (SyncAgent agent = Agents.start(server, target, config)) {
      Eventually.within(DEADLINE, () -> assertThat(agent.down()).containsKey("checkpoint"));
      String down = agent.down().get("checkpoint");
      TestTargets.execute(target, "ALTER TABLE sync_checkpoint_away RENAME TO sync_checkpoint");
      String after = create(client, "After");

      Eventually.within(DEADLINE, () -> assertThat(lastname(target, after)).isEqualTo("After"));
      assertThat(agent.down()).isEmpty();
      assertThat(down).startsWith("cannot be read since ").contains("sync_checkpoint");
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits for the feed to number {@code writes} more changes after {@code since} (it does so in the background). */
  private static long numbered(long since, int writes) {
    Eventually.within(DEADLINE, () -> assertThat(server.lastChange()).isGreaterThanOrEqualTo(since + writes));
    return server.lastChange();
  }

  /** Deletes every change but the newest, as --changes-retention does with changes older than it keeps. */
  private static void forget() throws Exception {
    try (var connection = server.database().pool().getConnection();
        var statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM change WHERE seq < (SELECT max(seq) FROM change)");
    }
  }

  private static String create(IGenericClient client, String family) {
    return client.create().resource(new Patient().addName(new HumanName().setFamily(family))).execute().getId()
        .getIdPart();
  }

  private static Object lastname(TargetConfig target, String id) {
    var rows = TestTargets.rows(target, "SELECT lastname FROM contact WHERE msemr_azurefhirid = ?", id);
    return rows.isEmpty() ? null : rows.get(0).get("lastname");
  }
}
