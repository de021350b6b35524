package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.server.TestServer;
import io.brazier.testkit.StallingFhirServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real {@code brazier loader} process (SIGKILL) while one of its export jobs runs, starts it again on the
 * same folder, and checks that the jobs outlived it: the ended one as it ended, the running one as interrupted.
 */
class ExportJobKillTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final TestServer server = TestServer.shared();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void aLoaderKilledWhileAnExportRunsListsItInterruptedOnceStartedAgainAndKeepsTheEndedOne() throws Exception {
    try (StallingFhirServer stalling = new StallingFhirServer()) {
      int firstPort = freePort();
      String ended;
      String stalled;
      JsonNode endedBefore;
      try (LoaderProcess first = loader(firstPort, stalling)) {
        first.await("the loader's endpoint up", () -> answers(firstPort, "/loader/status"));
        ended = start(firstPort, "{\"_type\":\"Patient\"}");
        first.await("the first export ended", () -> !state(firstPort, ended).equals("RUNNING"));
        endedBefore = status(firstPort, ended);
        stalled = start(firstPort, "{\"_type\":\"Observation\",\"_baseAddress\":\"" + stalling.baseUrl() + "\"}");
        first.await("the second export searching", () -> stalling.searches() > 0);
        assertThat(state(firstPort, stalled)).isEqualTo("RUNNING");
      }

      int secondPort = freePort();
      try (LoaderProcess second = loader(secondPort, stalling)) {
        second.await("the loader's endpoint up", () -> answers(secondPort, "/loader/status"));
        JsonNode interrupted = status(secondPort, stalled);
        JsonNode endedAfter = status(secondPort, ended);

        assertThat(endedBefore.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(endedAfter.path("status")).isEqualTo(endedBefore.path("status"));
        assertThat(endedAfter.path("output")).isEqualTo(endedBefore.path("output"));
        assertThat(interrupted.path("status").asText()).isEqualTo("FAILED");
        assertThat(interrupted.path("error").asText()).startsWith("Interrupted: the loader stopped");
        assertThat(interrupted.path("source").asText()).contains(stalling.baseUrl());
        assertThat(list(secondPort)).extracting(job -> job.path("instanceId").asText())
            .containsExactly(stalled, ended);
      }
    }
  }

  /** The loader, allowed to export from the stalling server too. */
  private LoaderProcess loader(int port, StallingFhirServer stalling) throws IOException {
    return LoaderProcess.start(dir, "--fhir", server.baseUrl(), "--port", Integer.toString(port),
        "--export-source", stalling.baseUrl());
  }

  private String start(int port, String body) throws Exception {
    var answer = http.send(HttpRequest.newBuilder(url(port, "/loader/$alt-export-all"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    return JSON.readTree(answer.body()).path("id").asText();
  }

  private JsonNode status(int port, String id) throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(url(port, "/loader/$alt-export-status/" + id)).build(),
        BodyHandlers.ofString()).body());
  }

  private JsonNode list(int port) throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(url(port, "/loader/$alt-export-status")).build(),
        BodyHandlers.ofString()).body());
  }

  private String state(int port, String id) {
    try {
      return status(port, id).path("status").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean answers(int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(url(port, path)).build(), BodyHandlers.discarding()).statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static URI url(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path.replace("$", "%24"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
