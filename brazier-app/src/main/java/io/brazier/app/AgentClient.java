package io.brazier.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.ConnectFailures;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The {@code brazier sync} subcommands' way to a running agent: its /sync/... endpoints, in JSON. */
final class AgentClient {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final URI agent;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AgentClient(URI agent) {
    this.agent = agent;
  }

  /** An answer the agent refused, with the error it gave: what the user must fix. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  JsonNode get(String path) throws Refused {
    return send("GET", path);
  }

  JsonNode post(String path) throws Refused {
    return send("POST", path);
  }

  private JsonNode send(String method, String path) throws Refused {
    HttpRequest request = HttpRequest.newBuilder(agent.resolve(path)).timeout(Duration.ofMinutes(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      String why = e instanceof ConnectException refused ? ConnectFailures.named(agent.toString(), refused)
          .getMessage() : e.getMessage();
      throw new Refused("No sync agent answers at " + agent + " (" + why + "): start one with 'brazier"
          + " serve --sync' or 'brazier sync', or give its address with --agent");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("Interrupted");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new Refused(agent + " answered " + response.statusCode() + " with what is not JSON: is it a sync agent?");
    }
    if (response.statusCode() >= 400) {
      throw new Refused(body.path("issue").path(0).path("diagnostics").asText("the agent answered " + response.statusCode()));
    }
    return body;
  }

  static String pretty(JsonNode json) {
    return json.toPrettyString();
  }
}
