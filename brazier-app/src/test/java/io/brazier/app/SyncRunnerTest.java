package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.server.Caller;
import io.brazier.sync.SyncAgent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync agent that {@code brazier serve --sync} runs beside the server. */
class SyncRunnerTest {
  @TempDir
  Path dir;

  /**
   * {@code brazier serve --auth --sync}: the agent reads the server in process as a system caller, so it needs no
   * token, and writes into a {@code crm} schema of the server's own database.
   */
  @Test
  void theSyncAgentOfASecuredServerSyncsInProcessIntoTheServersOwnDatabase() throws Exception {
    Serve serve = ServeArguments.parse("--auth", "--port", "0", "--data-dir", dir.resolve("data").toString(),
        "--sync", "--sync-port", "0");

    try (Serve.Running running = serve.start()) {
      FhirClient fhir = running.server().api().client(Caller.system("urn:test"), "");
      FhirReply created = fhir.send(new FhirCall("POST", "Patient", Map.of("Content-Type", "application/fhir+json"),
          "{\"resourceType\":\"Patient\",\"name\":[{\"use\":\"official\",\"family\":\"Synced\"}]}"
              .getBytes(StandardCharsets.UTF_8)));
      SyncAgent agent = running.companions().stream().filter(SyncRunner.class::isInstance)
          .map(companion -> ((SyncRunner) companion).agent()).findFirst().orElseThrow();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (agent.status().written() == 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }

      assertThat(created.status()).isEqualTo(201);
      assertThat(agent.status().written()).isOne();
      assertThat(agent.status().sources().get(0).name()).startsWith("http://127.0.0.1:");
      assertThat(agent.status().lastError()).isNull();
      assertThat(agent.maps().root("Patient").table()).isEqualTo("contact");
    }
  }
}
