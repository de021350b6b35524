package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.brazier.sync.SyncConfig;
import io.brazier.testkit.ClosedPort;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sync subcommands' client: a running agent's answers, and what it says when the address is not an agent. */
class AgentClientTest {
  private static SyncRunner runner;
  private static AgentClient agent;

  @BeforeAll
  static void startAgent() throws Exception {
    runner = SyncAgents.start(SyncConfig.defaults());
    agent = new AgentClient(URI.create(SyncAgents.address(runner)));
  }

  @AfterAll
  static void stopAgent() {
    runner.close();
  }

  @Test
  void aRunningAgentsAnswersAreReadAsJson() throws Exception {
    JsonNode status = agent.get("sync/status");
    JsonNode queued = agent.post("sync/backfill?types=Patient");

    assertThat(status.has("deadLetters")).isTrue();
    assertThat(queued.path("job").asText()).hasSize(36);
  }

  @Test
  void anAgentsRefusalCarriesItsWordsOfWhatToFix() {
    assertThatThrownBy(() -> agent.get("sync/dead-letters?limit=lots")).isInstanceOf(AgentClient.Refused.class)
        .hasMessage("limit 'lots' is not a number");
    assertThatThrownBy(() -> agent.post("sync/backfill?types=Person")).isInstanceOf(AgentClient.Refused.class)
        .hasMessageContaining("Person is not a synced type");
  }

  @Test
  void aServerThatIsNotAnAgentIsNamedWithTheQuestion() throws Exception {
    HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/", exchange -> {
      byte[] page = "<html><body>It works!</body></html>".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    web.start();
    try {
      URI address = URI.create("http://127.0.0.1:" + web.getAddress().getPort() + "/");
      assertThatThrownBy(() -> new AgentClient(address).get("sync/status")).isInstanceOf(AgentClient.Refused.class)
          .hasMessage(address + " answered 200 with what is not JSON: is it a sync agent?");
    } finally {
      web.stop(0);
    }
  }

  @Test
  void noAgentListeningSaysHowToStartOneOrWhereToPoint() throws Exception {
    URI address = ClosedPort.url("/");

    assertThatThrownBy(() -> new AgentClient(address).get("sync/status")).isInstanceOf(AgentClient.Refused.class)
        .hasMessageStartingWith("No sync agent answers at " + address + " (" + address + " refused the connection)")
        .hasMessageContaining("'brazier serve --sync' or 'brazier sync'", "--agent");
  }
}
