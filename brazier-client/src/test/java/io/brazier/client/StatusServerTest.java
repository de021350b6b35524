package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StatusServerTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static StatusServer server;

  @BeforeAll
  static void start() throws IOException {
    server = new StatusServer("test", "127.0.0.1", 0, 2, Map.of(
        "GET /metrics", StatusServer.prometheus(() -> "things_total 3.0\n"),
        "GET /healthz", StatusServer.up(),
        "GET /jobs", exchange -> exchange.prettyJson(200, JSON.createObjectNode().put("name", exchange.query("name"))),
        "GET /jobs/{id}", exchange -> exchange.json(200, JSON.createObjectNode().put("id", exchange.tail())),
        "POST /jobs", exchange -> {
          exchange.header("Retry-After", "60");
          exchange.answer(202, "text/plain", exchange.body(4));
        },
        "POST /refused", exchange -> {
          throw new IllegalArgumentException("limit must be a number");
        },
        "POST /broken", exchange -> {
          throw new IllegalStateException("a bug");
        })).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void routesAnswerWithTheirStatusContentTypeAndBody() throws Exception {
    HttpResponse<String> metrics = send("GET", "/metrics", "");
    HttpResponse<String> health = send("GET", "/healthz", "");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4");
    assertThat(metrics.body()).isEqualTo("things_total 3.0\n");
    assertThat(health.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void queryParametersAreDecodedAndAPlaceholderMatchesTheRestOfThePath() throws Exception {
    HttpResponse<String> named = send("GET", "/jobs?limit=5&name=night%20run", "");
    HttpResponse<String> unnamed = send("GET", "/jobs?names=x", "");
    HttpResponse<String> one = send("GET", "/jobs/42", "");

    assertThat(named.body()).isEqualTo("{\n  \"name\" : \"night run\"\n}");
    assertThat(JSON.readTree(unnamed.body()).get("name").isNull()).isTrue();
    assertThat(one.body()).isEqualTo("{\"id\":\"42\"}");
  }

  @Test
  void theBodyIsReadUpToItsLimitAndHeadersGoWithTheAnswer() throws Exception {
    HttpResponse<String> posted = send("POST", "/jobs", "abcdefgh");

    assertThat(posted.statusCode()).isEqualTo(202);
    assertThat(posted.body()).isEqualTo("abcd");
    assertThat(posted.headers().firstValue("Retry-After")).contains("60");
  }

  @Test
  void anUnknownRouteIsA404OperationOutcomeNamingTheRoutes() throws Exception {
    HttpResponse<String> nothing = send("DELETE", "/jobs", "");

    assertThat(nothing.statusCode()).isEqualTo(404);
    assertThat(nothing.headers().firstValue("Content-Type")).contains("application/fhir+json");
    JsonNode outcome = JSON.readTree(nothing.body());
    assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(outcome.path("issue").path(0).path("code").asText()).isEqualTo("not-found");
    assertThat(error(nothing)).isEqualTo("Nothing is served at DELETE /jobs; try POST /broken, GET /healthz, GET /jobs,"
        + " POST /jobs, GET /jobs/{id}, GET /metrics, POST /refused.");
  }

  @Test
  void badInputIsA400AndAFailureA500WithAnIncident() throws Exception {
    HttpResponse<String> refused = send("POST", "/refused", "");
    HttpResponse<String> broken = send("POST", "/broken", "");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(error(refused)).isEqualTo("limit must be a number");
    assertThat(JSON.readTree(refused.body()).path("issue").path(0).path("code").asText()).isEqualTo("invalid");
    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(error(broken)).matches("Internal error, incident [0-9a-f-]{36}").doesNotContain("a bug");
  }

  @Test
  void aRouteThatIsNotMethodAndPathIsRefused() {
    assertThatThrownBy(() -> new StatusServer("test", "127.0.0.1", 0, 1, Map.of("/healthz", StatusServer.up())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/healthz'");
    assertThatThrownBy(() -> new StatusServer("test", "127.0.0.1", 0, 1, Map.of("GET /{id}/x", StatusServer.up())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'GET /{id}/x'");
  }

  @Test
  void closingStopsListening() throws Exception {
    StatusServer other = new StatusServer("other", "127.0.0.1", 0, 1, Map.of("GET /healthz", StatusServer.up()))
        .start();
    URI health = URI.create(other.url("/healthz"));
    assertThat(HTTP.send(HttpRequest.newBuilder(health).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    other.close();

    HttpClient fresh = HttpClient.newHttpClient(); // none of HTTP's pooled connections, which close() also ends
    assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(health).build(), BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void itAnswersAsManyRequestsAtOnceAsItHasThreads() throws Exception {
    CyclicBarrier meeting = new CyclicBarrier(2);
    try (StatusServer two = new StatusServer("meet", "127.0.0.1", 0, 2, Map.of("GET /meet", exchange -> {
      try {
        meeting.await(30, TimeUnit.SECONDS); // passes only when both requests are being answered at once
      } catch (Exception e) {
        throw new IllegalStateException("the requests did not meet", e);
      }
      exchange.answer(200, "text/plain", Thread.currentThread().getName());
    })).start()) {
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        answers.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(two.url("/meet"))).build(),
            BodyHandlers.ofString()));
      }

      List<String> threads = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        threads.add(response.body());
      }
      assertThat(threads).containsExactlyInAnyOrder("meet-http-1", "meet-http-2");
    }
  }

  @Test
  void theLongestPlaceholderRouteWinsAndATailMayHoldSlashes() throws Exception {
    try (StatusServer nested = new StatusServer("nested", "127.0.0.1", 0, 1, Map.of(
        "GET /jobs/{id}", exchange -> exchange.answer(200, "text/plain", "job " + exchange.tail()),
        "GET /jobs/files/{name}", exchange -> exchange.answer(200, "text/plain", "file " + exchange.tail())))
        .start()) {
      assertThat(get(nested, "/jobs/files/Patient.ndjson").body()).isEqualTo("file Patient.ndjson");
      assertThat(get(nested, "/jobs/42/status").body()).isEqualTo("job 42/status");
      assertThat(get(nested, "/jobs").statusCode()).as("the prefix itself is no path below it").isEqualTo(404);
    }
  }

  @Test
  void aParameterIsFoundByItsWholeNameAndOneWithoutAValueIsNone() throws Exception {
    try (StatusServer echo = new StatusServer("echo", "127.0.0.1", 0, 1, Map.of("GET /echo", exchange ->
        exchange.answer(200, "text/plain", exchange.query("name") + "," + exchange.query("flag")))).start()) {
      assertThat(get(echo, "/echo?names=a&name=b%20c&flag").body()).isEqualTo("b c,null");
    }
  }

  @Test
  void aFailureAfterTheAnswerWasSentLeavesTheAnswerAsSent() throws Exception {
    try (StatusServer late = new StatusServer("late", "127.0.0.1", 0, 1, Map.of("GET /late", exchange -> {
      exchange.answer(200, "text/plain", "done");
      throw new IllegalArgumentException("too late to refuse");
    })).start()) {
      HttpResponse<String> answer = get(late, "/late");

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("done");
      assertThat(get(late, "/late").statusCode()).as("and it goes on serving").isEqualTo(200);
    }
  }

  @Test
  void eachErrorStatusHasTheIssueTypeOfTheFhirApi() throws Exception {
    Map<Integer, String> codes = Map.of(401, "login", 403, "forbidden", 409, "conflict", 413, "too-long",
        429, "throttled", 503, "transient", 502, "exception");
    try (StatusServer errors = new StatusServer("errors", "127.0.0.1", 0, 1, Map.of("GET /status/{code}",
        exchange -> exchange.error(Integer.parseInt(exchange.tail()), "status " + exchange.tail()))).start()) {
      for (Map.Entry<Integer, String> code : codes.entrySet()) {
        HttpResponse<String> answer = get(errors, "/status/" + code.getKey());

        assertThat(answer.statusCode()).isEqualTo(code.getKey());
        assertThat(JSON.readTree(answer.body()).path("issue").path(0).path("code").asText()).as("status " + code)
            .isEqualTo(code.getValue());
      }
    }
  }

  private static HttpResponse<String> get(StatusServer server, String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.url(pathAndQuery))).build(), BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws IOException {
    JsonNode body = JSON.readTree(response.body());
    return body.path("issue").path(0).path("diagnostics").asText();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).build(),
        BodyHandlers.ofString());
  }
}
