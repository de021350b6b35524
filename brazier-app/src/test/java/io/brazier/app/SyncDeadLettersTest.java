package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.TestServer;
import io.brazier.sync.SyncConfig;
import io.brazier.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brazier sync dlq}: a change the agent's map cannot take is kept as a dead letter, listed, kept with one more
 * attempt when a replay fails again, and applied by a replay once the map is fixed.
 */
class SyncDeadLettersTest {
  private static final TestServer server = TestServer.shared();
  private static final String SYSTEM = "urn:brazier:dlq-cli-" + UUID.randomUUID();
  /** A map that fails on a patient whose identifier of {@link #SYSTEM} is not a number. */
  private static final String MAP = """
      {"resource": "Patient", "table": "patient_numbers", "attributes": [
        {"column": "%s", "path": "identifier.where(system = '%s').value", "type": "%s"}]}""";

  @TempDir
  static Path maps;
  private static String patient;
  private static SyncRunner runner;
  private static String agent;

  @BeforeAll
  static void startAgent() throws Exception {
    Files.writeString(maps.resolve("patient.json"), MAP.formatted("number", SYSTEM, "integer"));
    patient = server.client().create().resource(new Patient().addIdentifier(new Identifier().setSystem(SYSTEM)
        .setValue("seven"))).execute().getId().getIdPart();
    SyncConfig defaults = SyncConfig.defaults();
    SyncConfig config = new SyncConfig(2, 2, false, false, defaults.feedPageSize(), Duration.ofSeconds(1),
        defaults.backfillPageSize(), maps, Duration.ofMillis(200), defaults.conflicts(), null, false,
        defaults.unhealthyAfter());
    runner = SyncAgents.start(config);
    agent = SyncAgents.address(runner);
  }

  @AfterAll
  static void stopAgent() {
    runner.close();
  }

  @Test
  void aDeadLetterIsListedKeptWhenItsReplayFailsAndAppliedOnceItsMapIsFixed() throws Exception {
    waitFor(() -> Cli.run("sync", "dlq", "list", "--agent", agent).out().contains("Patient/" + patient));

    Cli listed = Cli.run("sync", "dlq", "list", "--agent", agent);
    Cli again = Cli.run("sync", "dlq", "replay", "--agent", agent);
    Cli kept = Cli.run("sync", "dlq", "list", "--agent", agent, "--limit", "1");

    assertThat(listed.code()).isZero();
    assertThat(listed.out()).contains("Patient/" + patient, "attempts 1", "'seven' is not an integer");
    assertThat(again.code()).as("a replay that fails again exits 1").isEqualTo(1);
    assertThat(again.out()).contains("Replayed 0; 1 failed again (see 'brazier sync dlq list').");
    assertThat(kept.out()).contains("Patient/" + patient, "attempts 2");

    Files.writeString(maps.resolve("patient.json"), MAP.formatted("code", SYSTEM, "string"));
    waitFor(() -> runner.agent().maps().root("Patient").columns().get(0).column().equals("code"));
    long letter = Long.parseLong(kept.out().strip().split("\\s+")[0]);
    Cli replayed = Cli.run("sync", "dlq", "replay", "--agent", agent, "--id", Long.toString(letter));
    Cli empty = Cli.run("sync", "dlq", "list", "--agent", agent);

    assertThat(replayed.code()).as(replayed.err()).isZero();
    assertThat(replayed.out()).contains("Replayed 1; 0 failed again.");
    assertThat(empty.out()).contains("No dead letters.");
  }

  @Test
  void badFlagsAreUsageErrorsAndALimitTheAgentRefusesIsNamed() {
    Cli.run("sync", "dlq", "list", "--limit", "lots").refused("'lots' is not an int");
    Cli.run("sync", "dlq", "replay", "--id", "first").refused("--id");
    Cli.run("sync", "dlq", "list", "--agent", "http://127.0.0.1:1/", "--colour").refused("--colour");

    Cli zero = Cli.run("sync", "dlq", "list", "--agent", agent, "--limit", "0");

    assertThat(zero.code()).isEqualTo(1);
    assertThat(zero.err()).contains("brazier sync dlq list: limit must be between 1 and 10000, not 0")
        .doesNotContain("\tat ");
  }

  @Test
  void dlqAloneShowsItsSubcommands() {
    Cli dlq = Cli.run("sync", "dlq");

    assertThat(dlq.code()).isZero();
    assertThat(dlq.out()).contains("list", "replay");
  }

  private static void waitFor(BooleanSupplier condition) {
    Eventually.until(Duration.ofSeconds(60), "the agent's state", condition);
  }
}
