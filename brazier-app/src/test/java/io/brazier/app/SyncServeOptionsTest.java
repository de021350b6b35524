package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.ConflictPolicy;
import io.brazier.sync.SyncConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --sync}: the agent's flags make its configuration, and a bad one stops the server before it starts
 * (exit 2, the flag named, no database made), as {@code brazier sync} refuses it before it reaches the target.
 */
class SyncServeOptionsTest {
  @TempDir
  Path dir;

  @Test
  void theTuningFlagsMakeTheAgentsConfiguration() {
    Serve serve = ServeArguments.parse("--sync", "--sync-workers", "8", "--sync-max-attempts", "3",
        "--sync-conflicts", "newest-wins", "--sync-log-bodies");

    SyncConfig config = serve.sync.config();

    assertThat(config.workers()).isEqualTo(8);
    assertThat(config.maxAttempts()).isEqualTo(3);
    assertThat(config.conflicts()).isEqualTo(ConflictPolicy.named("newest-wins"));
    assertThat(config.log()).as("bodies are logged in the log").isTrue();
    assertThat(config.logBodies()).isTrue();
  }

  @Test
  void healthWaitsThirtySecondsOfFailedReadsUnlessToldOtherwise() {
    SyncConfig defaults = ServeArguments.parse("--sync").sync.config();
    SyncConfig none = ServeArguments.parse("--sync", "--sync-unhealthy-after", "PT0S").sync.config();

    assertThat(defaults.unhealthyAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(none.unhealthyAfter()).isZero();
  }

  @Test
  void badTuningStopsTheServerBeforeItStarts() {
    assertRefused("--sync-workers must be between 1 and 64, not 0", "--sync-workers", "0");
    assertRefused("--sync-conflicts must be fhir-wins, target-wins or newest-wins", "--sync-conflicts",
        "fhir-loses");
    assertRefused("--sync-backfill-page must be between 1 and 1000, not 1001", "--sync-backfill-page", "1001");
    assertRefused("--sync-unhealthy-after must be zero or more, not PT-5S", "--sync-unhealthy-after", "PT-5S");
  }

  @Test
  void aTargetThatIsNotPostgresqlStopsTheServerBeforeItStarts() {
    assertRefused("--sync-target-url must be a PostgreSQL JDBC URL", "--sync-target-url",
        "jdbc:mysql://db/crm");
  }

  @Test
  void dataverseCredentialsWithoutItsUrlStopTheServerBeforeItStarts() {
    assertRefused("need --sync-dataverse-url", "--sync-dataverse-client-id", "app");
  }

  private void assertRefused(String message, String... flags) {
    Path data = dir.resolve("data");
    String[] args = new String[flags.length + 4];
    System.arraycopy(new String[] {"serve", "--sync", "--data-dir", data.toString()}, 0, args, 0, 4);
    System.arraycopy(flags, 0, args, 4, flags.length);

    Cli.run(args).refused(message);

    assertThat(data).as("nothing started").doesNotExist();
  }
}
