package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as an operator runs it: health, metrics, request ids, CORS, proxies, restarts and outages. */
class FhirServerTest {
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"active\":true}";

  private final TestServer server = TestServer.shared();
  private final Http http = server.http();

  @Test
  void healthIsUpWhileTheDatabaseAnswers() {
    Http.Response response = http.get("/healthz");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("UP");
  }

  @Test
  void healthIsDownWhileAPartOfTheProcessNamesAProblem() {
    AtomicReference<String> problem = new AtomicReference<>("Kafka has not acknowledged for 61 s");
    try (TestServer checked = TestServer.onSharedStore(ServerConfig.defaults()).healthCheck("events", problem::get)) {
      Http.Response down = checked.http().get("/healthz");
      problem.set(null);
      Http.Response up = checked.http().get("/healthz");

      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body()).contains("\"status\":\"DOWN\"")
          .contains("\"events\":\"Kafka has not acknowledged for 61 s\"");
      assertThat(up.status()).isEqualTo(200);
    }
  }

  @Test
  void metricsCountRequestsByInteractionAndStatusWithLatenciesAndThePool() {
    String id = http.post("/fhir/Patient", PATIENT).resource(Patient.class).getIdPart();
    http.get("/fhir/Patient/" + id);
    http.get("/fhir/Patient/never-was");
    http.get("/fhir/Unicorn/1");

    String metrics = http.get("/metrics").body();

    assertThat(metrics)
        .containsPattern("brazier_requests_seconds_count\\{interaction=\"Create\",status=\"201\"} \\d+")
        .containsPattern("brazier_requests_seconds_count\\{interaction=\"Read\",status=\"200\"} \\d+")
        .containsPattern("brazier_requests_seconds_count\\{interaction=\"Read\",status=\"404\"} \\d+")
        .containsPattern("brazier_requests_seconds_count\\{interaction=\"unknown\",status=\"404\"} \\d+")
        .containsPattern("brazier_requests_seconds_bucket\\{interaction=\"Read\",status=\"200\",le=\"[0-9.]+\"}")
        .containsPattern("hikaricp_connections_active\\{pool=\"brazier\"}")
        .containsPattern("hikaricp_connections_acquire_seconds_count\\{pool=\"brazier\"}");
  }

  @Test
  void aRequestIdIsEchoedOrMade() {
    Http.Response given = http.get("/fhir/Patient/never-was", "X-Request-Id", "trace-42");
    Http.Response made = http.get("/healthz");
    Http.Response unfit = http.get("/healthz", "X-Request-Id", "two words");

    assertThat(given.header("X-Request-Id")).hasValue("trace-42");
    assertThat(made.header("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
    assertThat(unfit.header("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
  }

  @Test
  void aPathOutsideTheFhirBaseIsNotFoundWithAnOperationOutcome() {
    OperationOutcome outcome = http.refused(404, "GET", "/fhri/Patient/1", (byte[]) null);

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("/fhir");
  }

  @Test
  void requestsRefusedBeforeAnyRouteAreAnsweredWithAnOperationOutcome() {
    String badUri = http.raw("GET /fhir/Patient/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    String badHeader = http.raw("GET /fhir/Patient/1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\u0001b\r\n"
        + "Connection: close\r\n\r\n");

    for (String response : List.of(badUri, badHeader)) {
      assertThat(response).startsWith("HTTP/1.1 400").contains("application/fhir+json")
          .contains("\"resourceType\":\"OperationOutcome\"");
    }
  }

  @Test
  void withoutConfiguredOriginsThereAreNoCorsHeaders() {
    Http.Response response = http.get("/fhir/Patient/never-was", "Origin", "https://app.example");

    assertThat(response.header("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void configuredOriginsGetCorsHeadersAndOthersDoNot() {
    try (TestServer cors = TestServer.onSharedStore(
        ServerConfig.defaults().withCorsOrigins(List.of("https://app.example")))) {
      Http.Response allowed = cors.http().post("/fhir/Patient", PATIENT, "Origin", "https://app.example");
      Http.Response preflight = cors.http().send("OPTIONS", "/fhir/Patient", null, "Origin", "https://app.example",
          "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type,if-match");
      Http.Response other = cors.http().get("/fhir/Patient/never-was", "Origin", "https://evil.example");

      assertThat(allowed.status()).isEqualTo(201);
      assertThat(allowed.header("Access-Control-Allow-Origin")).hasValue("https://app.example");
      assertThat(allowed.header("Access-Control-Expose-Headers")).hasValueSatisfying(exposed ->
          assertThat(exposed).contains("ETag", "Location"));
      assertThat(preflight.status()).isLessThan(300);
      assertThat(preflight.header("Access-Control-Allow-Methods")).hasValueSatisfying(methods ->
          assertThat(methods).contains("PUT"));
      assertThat(other.header("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void forwardedHeadersAreIgnoredUnlessTrusted() {
    Http.Response response = http.post("/fhir/Patient", PATIENT,
        "X-Forwarded-Proto", "https", "X-Forwarded-Host", "proxy.example");

    assertThat(response.header("Location")).hasValueSatisfying(location ->
        assertThat(location).startsWith(server.baseUrl() + "/Patient/"));
  }

  @Test
  void trustedForwardedHeadersSetTheBaseUrl() {
    try (TestServer proxied = TestServer.onSharedStore(ServerConfig.defaults().withBaseUrl(null, true))) {
      Http.Response response = proxied.http().post("/fhir/Patient", PATIENT,
          "X-Forwarded-Proto", "https", "X-Forwarded-Host", "proxy.example");

      assertThat(response.header("Location")).hasValueSatisfying(location ->
          assertThat(location).startsWith("https://proxy.example/fhir/Patient/"));
    }
  }

  @Test
  void aConfiguredBaseUrlWinsOverForwardedHeaders() {
    try (TestServer fixed = TestServer.onSharedStore(
        ServerConfig.defaults().withBaseUrl("https://fhir.example.org/r4/", true))) {
      Http.Response response = fixed.http().post("/fhir/Patient", PATIENT,
          "X-Forwarded-Proto", "http", "X-Forwarded-Host", "proxy.example");

      assertThat(response.header("Location")).hasValueSatisfying(location ->
          assertThat(location).startsWith("https://fhir.example.org/r4/Patient/"));
    }
  }

  @Test
  void dataWrittenBeforeARestartReadsBackIdenticalAfterIt(@TempDir Path dir) {
    String id;
    String current;
    String first;
    String deleted;
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      id = before.http().post("/fhir/Patient", PATIENT).resource(Patient.class).getIdPart();
      before.http().put("/fhir/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}");
      current = before.http().get("/fhir/Patient/" + id).body();
      first = before.http().get("/fhir/Patient/" + id + "/_history/1").body();
      deleted = before.http().post("/fhir/Patient", PATIENT).resource(Patient.class).getIdPart();
      before.http().send("DELETE", "/fhir/Patient/" + deleted, null);
    }

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      assertThat(after.http().get("/fhir/Patient/" + id).body()).isEqualTo(current);
      assertThat(after.http().get("/fhir/Patient/" + id + "/_history/1").body()).isEqualTo(first);
      assertThat(after.http().get("/fhir/Patient/" + deleted).status()).isEqualTo(410);
      Http.Response update = after.http().put("/fhir/Patient/" + id, current);
      assertThat(update.header("ETag")).hasValue("W/\"3\"");
    }
  }

  @Test
  void healthIsDownWhenTheDatabaseIsUnreachableAndRequestsFailWithAnOperationOutcome(@TempDir Path dir) {
    try (TestServer outage = TestServer.start(dir, ServerConfig.defaults())) {
      assertThat(outage.http().get("/healthz").status()).isEqualTo(200);

      outage.database().stopEmbedded();

      Http.Response health = outage.http().get("/healthz");
      Http.Response read = outage.http().get("/fhir/Patient/any");

      assertThat(health.status()).isEqualTo(503);
      assertThat(health.body()).contains("DOWN");
      assertThat(read.status()).isEqualTo(503);
      assertThat(read.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics()).contains("unavailable");
    }
  }
}
