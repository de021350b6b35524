package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeadershipTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String DEVICE_MAP = """
      {"resource": "Device", "table": "msemr_device", "attributes": [{"column": "msemr_lot", "path": "lotNumber"}]}""";
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @TempDir
  Path dir;

  @Test
  void ofTwoAgentsOnOneTargetOneSyncsAndTheOtherTakesOverWhenItGoes() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    Path maps = Agents.maps("device.json", DEVICE_MAP);
    SyncAgent first = Agents.start(server, target, Agents.config(maps));
    Eventually.within(DEADLINE, () -> assertThat(first.status().role()).isEqualTo("active"));

    try (SyncAgent second = Agents.start(server, target, Agents.config(maps))) {
      Thread.sleep(3_000); // more than a supervision round: the second would be active by now if it could
      assertThat(second.status().role()).isEqualTo("standby");

      first.close();

      Eventually.within(DEADLINE, () -> assertThat(second.status().role()).isEqualTo("active"));
    }
  }

  /**
   * The target's PostgreSQL stopped for real while FHIR keeps changing: the agent loses its lock and stands by, and
   * when the database is back it takes the lock again and syncs what changed meanwhile, nothing dead-lettered.
   */
  @Test
  void anAgentWhoseTargetStopsSyncsWhatChangedMeanwhileWhenItIsBack() throws Exception {
    try (StoppableDatabase database = new StoppableDatabase(dir.resolve("target")).start()) {
      TargetConfig target = database.target("crm");
      String lot = "lot-" + System.nanoTime();
      List<String> ids = new ArrayList<>(List.of(device(lot + "-before")));
      try (SyncAgent agent = Agents.start(server, target, Agents.config(Agents.maps("device.json", DEVICE_MAP)))) {
        Eventually.within(DEADLINE, () -> assertThat(lots(target, lot)).isOne());

        database.stop();
        for (int i = 0; i < 20; i++) {
          ids.add(device(lot + "-meanwhile-" + i));
        }
        Thread.sleep(3_000); // more than a supervision round: the agent notices that its lock is gone
        database.start();

        Eventually.within(DEADLINE, () -> assertThat(lots(target, lot)).isEqualTo(ids.size()));
        assertThat(agent.status().role()).isEqualTo("active");
        assertThat(agent.deadLetters(null, 10)).isEmpty();
        assertThat(TestTargets.number(target, "SELECT count(*) FROM msemr_device WHERE msemr_lot LIKE ? AND"
            + " msemr_azurefhirid = ANY (?)", lot + "%", ids.toArray(String[]::new))).isEqualTo(ids.size());
      }
    }
  }

  private String device(String lot) {
    return client.create().resource(new Device().setLotNumber(lot)).execute().getId().getIdPart();
  }

  private static long lots(TargetConfig target, String lot) {
    return TestTargets.number(target, "SELECT count(*) FROM msemr_device WHERE msemr_lot LIKE ?", lot + "%");
  }
}
