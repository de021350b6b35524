package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Device;
import org.junit.jupiter.api.Test;

class BackfillerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String DEVICE = """
      {"resource": "Device", "table": "msemr_device", "enabled": %s, "attributes": [
        {"column": "msemr_lotnumber", "path": "lotNumber"}]}""";
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void aBackfillSyncsWhatExistedBeforeItsMapWasEnabled() throws Exception {
    String lot = "lot-" + UUID.randomUUID();
    for (int i = 0; i < 7; i++) {
      client.create().resource(new Device().setLotNumber(lot)).execute();
    }
    Path maps = Agents.maps("device.json", DEVICE.formatted("false"));
    TargetConfig target = TestTargets.inOtherDatabase();
    SyncConfig config = Agents.config(maps);
    config = new SyncConfig(config.workers(), config.maxAttempts(), false, false, config.feedPageSize(),
        config.feedWait(), 3, maps, config.mapsInterval(), config.conflicts(), null, false,
        config.unhealthyAfter());
    try (SyncAgent agent = Agents.start(server, target, config)) {
      Eventually.within(DEADLINE, () -> assertThat(agent.status().sources().get(0).caughtUp()).isTrue());
      Files.writeString(maps.resolve("device.json"), DEVICE.formatted("true"));
      Eventually.within(DEADLINE, () -> assertThat(agent.maps().types()).contains("Device"));
      assertThat(devices(target, lot)).isZero();

      UUID job = agent.backfill(List.of());

      Eventually.within(DEADLINE, () -> assertThat(agent.status().backfills()).filteredOn(backfill -> backfill.id()
          .equals(job.toString())).singleElement().returns("done", SyncStatus.Backfill::status));
      assertThat(devices(target, lot)).isEqualTo(7);
      SyncStatus.Backfill done = agent.status().backfills().get(0);
      assertThat(done.types()).containsExactly("Device");
      assertThat(done.done()).isEqualTo(done.total()).isGreaterThanOrEqualTo(7);
    }
  }

  @Test
  void aBackfillOfATypeThatIsNotSyncedIsRefused() throws Exception {
    Path maps = Agents.maps("device.json", DEVICE.formatted("true"));
    try (SyncAgent agent = Agents.start(server, TestTargets.inOtherDatabase(), Agents.config(maps))) {
      assertThatThrownBy(() -> agent.backfill(List.of("Observation")))
          .hasMessage("Observation is not a synced type; the maps sync [Device]");
    }
  }

  private static long devices(TargetConfig target, String lot) {
    return TestTargets.number(target, "SELECT count(*) FROM msemr_device WHERE msemr_lotnumber = ?", lot);
  }
}
