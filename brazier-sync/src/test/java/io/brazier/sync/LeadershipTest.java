package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void ofTwoAgentsOnOneTargetOneSyncsAndTheOtherTakesOverWhenItGoes() throws Exception {
    TestServer server = TestServer.shared();
    TargetConfig target = TestTargets.inOtherDatabase();
    Path maps = Agents.maps("device.json", """
        {"resource": "Device", "table": "msemr_device", "attributes": [{"column": "msemr_lot", "path": "lotNumber"}]}""");
    SyncAgent first = Agents.start(server, target, Agents.config(maps));
    Eventually.within(DEADLINE, () -> assertThat(first.status().role()).isEqualTo("active"));

    try (SyncAgent second = Agents.start(server, target, Agents.config(maps))) {
      Thread.sleep(3_000); // more than a supervision round: the second would be active by now if it could
      assertThat(second.status().role()).isEqualTo("standby");

      first.close();

      Eventually.within(DEADLINE, () -> assertThat(second.status().role()).isEqualTo("active"));
    }
  }
}
