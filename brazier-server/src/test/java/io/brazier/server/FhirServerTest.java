package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.store.Change;
import io.brazier.store.TestDatabase;
import io.brazier.store.TestDatabase.HeldLock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as an operator runs it: health, metrics, request ids, CORS, proxies, restarts and outages. */
class FhirServerTest {
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"active\":true}";
  private static final String SEQUENCER = "io.brazier.store.sql.ChangeSequencer";
  private static final String NOTICES = "io.brazier.store.sql.ChangeNotices";
  private static final String JOB_RUNNER = "io.brazier.server.operation.Jobs";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

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
  void aServerGivenItsSearchMachineryBuiltAheadFollowsTheSearchParametersStoredThroughIt() throws Exception {
    FhirSearch search = new FhirSearch(server.fhir());
    String code = "ahead-" + UUID.randomUUID().toString().substring(0, 8);
    try (FhirServer ahead = new FhirServer(ServerConfig.builder().port(0).build(), search, server.store(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), api -> List.of(), HttpExtension.NONE).start()) {
      HttpResponse<String> created = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ahead.port() + "/fhir/SearchParameter"))
              .header("Content-Type", "application/fhir+json").POST(BodyPublishers.ofString(searchParameter(code)))
              .build(),
          BodyHandlers.ofString());

      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(until(() -> search.parameters().get("Patient", code).isPresent(), true)).isTrue();
    }
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
  void aBrokenPercentEscapeInTheQueryNeverWidensAConditionalDelete() {
    String system = "urn:escape:" + UUID.randomUUID();
    String id = http.post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\""
        + system + "\",\"value\":\"1\"}],\"name\":[{\"family\":\"Kept\"}]}").resource(Patient.class).getIdPart();

    String response = http.raw("DELETE /fhir/Patient?identifier=" + system + "%7C1&name=100% HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 204");
    assertThat(http.get("/fhir/Patient/" + id).status()).isEqualTo(200);
  }

  @Test
  void withoutConfiguredOriginsThereAreNoCorsHeaders() {
    Http.Response response = http.get("/fhir/Patient/never-was", "Origin", "https://app.example");

    assertThat(response.header("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void configuredOriginsGetCorsHeadersAndOthersDoNot() {
    try (TestServer cors = TestServer.onSharedStore(
        ServerConfig.builder().corsOrigins(List.of("https://app.example")).build())) {
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
    try (TestServer proxied = TestServer.onSharedStore(ServerConfig.builder().trustForwardedHeaders(true).build())) {
      Http.Response response = proxied.http().post("/fhir/Patient", PATIENT,
          "X-Forwarded-Proto", "https", "X-Forwarded-Host", "proxy.example");

      assertThat(response.header("Location")).hasValueSatisfying(location ->
          assertThat(location).startsWith("https://proxy.example/fhir/Patient/"));
    }
  }

  @Test
  void aConfiguredBaseUrlWinsOverForwardedHeaders() {
    try (TestServer fixed = TestServer.onSharedStore(
        ServerConfig.builder().baseUrl("https://fhir.example.org/r4/").trustForwardedHeaders(true).build())) {
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
  void anOutageIs503AndAfterItWritesTheChangeFeedAndTheJobRunnerResumeWithoutARestart(@TempDir Path dir)
      throws Exception {
    try (TestServer outage = TestServer.start(dir, ServerConfig.defaults());
        Warnings background = Warnings.from(SEQUENCER, NOTICES, JOB_RUNNER)) {
      long before = outage.lastChange();

      outage.database().stopEmbedded();

      Http.Response health = outage.http().get("/healthz");
      Http.Response read = outage.http().get("/fhir/Patient/any");
      Http.Response lost = outage.http().post("/fhir/Patient", patient("lost"));
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.body()).contains("DOWN");
      assertThat(read.status()).isEqualTo(503);
      assertThat(read.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics()).contains("unavailable");
      assertThat(lost.status()).isEqualTo(503);
      assertThat(lost.resource(OperationOutcome.class).getIssueFirstRep().getCode()).isEqualTo(IssueType.TRANSIENT);
      assertThat(background.await(SEQUENCER, DEADLINE)).as("the change sequencer met the outage").isTrue();
      assertThat(background.await(NOTICES, DEADLINE)).as("the change notices' listener met the outage").isTrue();
      assertThat(background.await(JOB_RUNNER, DEADLINE)).as("the job runner met the outage").isTrue();

      outage.database().startEmbedded();

      Http.Response created = until(() -> outage.http().post("/fhir/Patient", patient("after")), 201);
      String id = created.resource(Patient.class).getIdPart();
      assertThat(until(() -> TestDatabase.unnumberedChanges(outage.database()), 0L))
          .as("changes the background sequencer left unnumbered").isZero();
      assertThat(outage.changesSince(before)).extracting(Change::id).containsExactly(id);
      assertThat(longPollWokenByAWrite(outage)).as("a waiting reader of the feed is woken by a notice again")
          .isEqualTo("after-poll");
      Http.Response job = outage.http().send("POST", "/fhir/$reindex", null, "Prefer", "respond-async");
      assertThat(job.status()).isEqualTo(202);
      String status = job.header("Content-Location").orElseThrow().substring(outage.rootUrl().length());
      assertThat(until(() -> outage.http().get(status), 200).body()).contains("Reindexed");
      assertThat(outage.http().get("/fhir/Patient?identifier=urn:outage%7Clost").resource(Bundle.class).getTotal())
          .isZero();
    }
  }

  @Test
  void aStatementPastTheStatementTimeoutIsA503OperationOutcomeAndWritesNothing() throws Exception {
    String id = http.post("/fhir/Patient", PATIENT).resource(Patient.class).getIdPart();
    String update = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"active\":false}";
    OperationOutcome write;
    OperationOutcome search;

    try (TestServer quick = TestServer.onSharedDatabase(Duration.ofMillis(500))) {
      // Another client holds what each request needs, longer than the timeout allows the request to wait.
      try (HeldLock row = TestDatabase.lockResource(server.database(), "Patient", id)) {
        write = quick.http().refused(503, "PUT", "/fhir/Patient/" + id, update);
      }
      try (HeldLock table = TestDatabase.lockTable(server.database(), "search_token")) {
        search = quick.http().refused(503, "GET", "/fhir/Patient?identifier=urn:any%7C1", (byte[]) null);
      }
    }

    assertThat(write.getIssueFirstRep().getCode()).isEqualTo(IssueType.TIMEOUT);
    assertThat(search.getIssueFirstRep().getCode()).isEqualTo(IssueType.TIMEOUT);
    assertThat(http.get("/fhir/Patient/" + id).resource(Patient.class).getMeta().getVersionId()).isEqualTo("1");
  }

  /**
   * Waits on the feed for the next change, then writes one: the waiting reader wakes only on a notice, through the
   * listening connection, which must have found the database back (or it would wait its full 60 s).
   */
  private static String longPollWokenByAWrite(TestServer server) throws Exception {
    long since = server.lastChange();
    CompletableFuture<Http.Response> poll = CompletableFuture.supplyAsync(
        () -> server.http().get("/fhir/$changes?since=" + since + "&_wait=60&resources=true"));
    Thread.sleep(200); // the poll has found nothing and waits
    server.http().post("/fhir/Patient", patient("after-poll"));
    Bundle changes = poll.get(30, TimeUnit.SECONDS).resource(Bundle.class);
    return ((Patient) changes.getEntryFirstRep().getResource()).getIdentifierFirstRep().getValue();
  }

  private static String patient(String identifier) {
    return "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:outage\",\"value\":\"" + identifier
        + "\"}]}";
  }

  private static String searchParameter(String code) {
    return """
        {"resourceType": "SearchParameter", "url": "http://brazier.test/fhir/SearchParameter/%s", "name": "%s",
         "status": "active", "code": "%s", "base": ["Patient"], "type": "string", "expression": "Patient.name.given",
         "description": "a patient's given name, under a code of this test's own"}""".formatted(code, code, code);
  }

  /** Asks until the answer is {@code expected} (a connection pool takes a moment to find its database back). */
  private static <T> T until(Callable<T> ask, Object expected) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    T answer = ask.call();
    while (!expected.equals(answer instanceof Http.Response response ? response.status() : answer)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      answer = ask.call();
    }
    return answer;
  }
}
