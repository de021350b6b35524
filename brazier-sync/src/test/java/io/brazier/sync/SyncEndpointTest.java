package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.HttpFhirClient;
import io.brazier.client.Jackson;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import io.brazier.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Device;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncEndpointTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String DEVICE_MAP = """
      {"resource": "Device", "table": "msemr_device", "attributes": [{"column": "msemr_lot", "path": "lotNumber"}]}""";
  private static SyncAgent agent;
  private static SyncEndpoint endpoint;

  @BeforeAll
  static void start() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    agent = SyncAgent.start(Agents.client(TestServer.shared()), TestServer.shared().fhir(),
        TestTargets.inOtherDatabase(), Agents.config(Agents.maps()), registry);
    endpoint = new SyncEndpoint(agent, registry::scrape, "127.0.0.1", 0).start();
  }

  @AfterAll
  static void stop() {
    endpoint.close();
    agent.close();
  }

  @Test
  void theStatusSaysWhatTheAgentDoes() throws Exception {
    HttpResponse<String> response = send("GET", "/sync/status");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode status = JSON.readTree(response.body());
    assertThat(status.path("maps").path("loaded").asInt()).isEqualTo(25);
    assertThat(status.path("sources").get(0).path("name").asText()).isEqualTo(TestServer.shared().baseUrl());
    assertThat(status.has("deadLetters")).isTrue();
  }

  @Test
  void aBackfillIsQueuedAndABackfillOfAnUnsyncedTypeIsA400() throws Exception {
    HttpResponse<String> queued = send("POST", "/sync/backfill?types=Patient,Device");
    HttpResponse<String> refused = send("POST", "/sync/backfill?types=Person");

    assertThat(queued.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(queued.body()).path("job").asText()).hasSize(36);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).path("issue").path(0).path("diagnostics").asText()).startsWith("Person is not a synced type");
  }

  @Test
  void aBackfillIsReadByItsIdAndAnIdThatIsNotOneIsA404OrA400() throws Exception {
    String job = JSON.readTree(send("POST", "/sync/backfill?types=Device").body()).path("job").asText();

    HttpResponse<String> read = send("GET", "/sync/backfill/" + job);
    HttpResponse<String> unknown = send("GET", "/sync/backfill/" + UUID.randomUUID());
    HttpResponse<String> bad = send("GET", "/sync/backfill/latest");

    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(read.body()).path("id").asText()).isEqualTo(job);
    assertThat(JSON.readTree(read.body()).path("types").get(0).asText()).isEqualTo("Device");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("issue").path(0).path("diagnostics").asText())
        .startsWith("No back-fill has id ");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).path("issue").path(0).path("diagnostics").asText())
        .startsWith("'latest' is not a back-fill id");
  }

  @Test
  void deadLettersAreListedAndReplayed() throws Exception {
    HttpResponse<String> list = send("GET", "/sync/dead-letters?limit=5");
    HttpResponse<String> replay = send("POST", "/sync/dead-letters/replay");
    HttpResponse<String> badLimit = send("GET", "/sync/dead-letters?limit=lots");

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).isArray()).isTrue();
    assertThat(JSON.readTree(replay.body()).path("failed").asInt()).isZero();
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badLimit.body()).path("issue").path(0).path("diagnostics").asText()).isEqualTo("limit 'lots' is not a number");
  }

  @Test
  void aReplayOfADeadLetterThatIsNotThereIsA404SayingWhereTheyAreListed() throws Exception {
    HttpResponse<String> replay = send("POST", "/sync/dead-letters/replay?id=987654321");

    assertThat(replay.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(replay.body()).path("issue").path(0).path("diagnostics").asText())
        .startsWith("No dead letter has id 987654321").contains("brazier sync dlq list");
  }

  @Test
  void changesLeftByWriteBackAreListedAndARetryOrDiscardWantsAnIdOrAllAndAnIdThatIsThere() throws Exception {
    HttpResponse<String> list = send("GET", "/sync/write-back/left?limit=5");
    HttpResponse<String> neither = send("POST", "/sync/write-back/left/retry");
    HttpResponse<String> both = send("POST", "/sync/write-back/left/discard?id=1&all=true");
    HttpResponse<String> unknown = send("POST", "/sync/write-back/left/retry?id=987654321");
    HttpResponse<String> all = send("POST", "/sync/write-back/left/discard?all=true");

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).isArray()).isTrue();
    assertThat(List.of(neither.statusCode(), both.statusCode())).containsOnly(400);
    assertThat(JSON.readTree(neither.body()).path("issue").path(0).path("diagnostics").asText())
        .isEqualTo("Give id=<change id> for the changes left of that change's row, or all=true for every change"
            + " left");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("issue").path(0).path("diagnostics").asText())
        .startsWith("No change left for the operator has id 987654321").contains("brazier sync write-back list");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(all.body()).path("discarded").asInt()).isZero();
  }

  @Test
  void metricsAndHealthAreServedAndAnythingElseIsA404() throws Exception {
    assertThat(send("GET", "/metrics").body()).contains("brazier_sync_changes_total");
    assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> nothing = send("GET", "/sync/nothing");
    assertThat(nothing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(nothing.body()).path("issue").path(0).path("diagnostics").asText()).startsWith("Nothing is served at GET /sync/nothing");
  }

  /**
   * The target's PostgreSQL not running: /healthz is a 503 naming the target, as the server's names its database,
   * while /sync/status still answers, saying why; once the database runs, /healthz is up.
   */
  @Test
  void healthIsDownNamingTheTargetWhileItsDatabaseIsDownAndUpOnceItRuns(@TempDir Path dir) throws Exception {
    try (StoppableDatabase database = new StoppableDatabase(dir.resolve("target"));
        SyncAgent waiting = Agents.start(TestServer.shared(), database.target("crm"),
            Agents.config(Agents.maps("device.json", DEVICE_MAP)));
        SyncEndpoint own = new SyncEndpoint(waiting, () -> "", "127.0.0.1", 0).start()) {
      HttpResponse<String> down = send(own, "GET", "/healthz");
      HttpResponse<String> status = send(own, "GET", "/sync/status");

      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(down.body()).path("status").asText()).isEqualTo("DOWN");
      assertThat(JSON.readTree(down.body()).path("target").asText()).contains("refused");
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(status.body()).path("target").path("error").asText()).contains("refused");

      database.start();

      Eventually.within(Duration.ofSeconds(60), () -> assertThat(send(own, "GET", "/healthz").statusCode())
          .isEqualTo(200));
      assertThat(JSON.readTree(send(own, "GET", "/healthz").body()).path("status").asText()).isEqualTo("UP");
    }
  }

  /**
   * The FHIR server stopped for real: /healthz stays up while its reads have failed for less than
   * --sync-unhealthy-after (a failed read or two must not take the agent out of a load balancer), then is a 503
   * saying since when and why; up again once the server runs.
   */
  @Test
  void healthIsDownNamingTheSourceOnlyOnceItsReadsFailedForUnhealthyAfterAndUpOnceItRuns() throws Exception {
    Duration grace = Duration.ofSeconds(10);
    try (StoppableFhirServer fhir = new StoppableFhirServer().start();
        SyncAgent reading = SyncAgent.start(fhir.client(), TestServer.shared().fhir(), TestTargets.inOtherDatabase(),
            Agents.config(Agents.maps("device.json", DEVICE_MAP)).withUnhealthyAfter(grace), new SimpleMeterRegistry());
        SyncEndpoint own = new SyncEndpoint(reading, () -> "", "127.0.0.1", 0).start()) {
      Eventually.within(DEADLINE, () -> assertThat(source(own).path("caughtUp").asBoolean()).isTrue());

      long stopped = System.nanoTime();
      fhir.stop();
      Eventually.within(DEADLINE, () -> assertThat(source(own).path("error").isTextual()).isTrue());
      HttpResponse<String> failing = send(own, "GET", "/healthz");
      Eventually.within(DEADLINE, () -> assertThat(send(own, "GET", "/healthz").statusCode()).isEqualTo(503));
      Duration untilDown = Duration.ofNanos(System.nanoTime() - stopped);
      JsonNode down = JSON.readTree(send(own, "GET", "/healthz").body());
      fhir.start();

      Eventually.within(DEADLINE, () -> assertThat(send(own, "GET", "/healthz").statusCode()).isEqualTo(200));
      assertThat(failing.statusCode()).as("reads failing for less than the grace: " + failing.body()).isEqualTo(200);
      assertThat(untilDown).isGreaterThanOrEqualTo(grace);
      assertThat(down.path("status").asText()).isEqualTo("DOWN");
      assertThat(down.path("source").asText()).startsWith("cannot be read since ").contains("could not be reached");
    }
  }

  /** --sync-unhealthy-after PT0S: down at the first failed read of the source, as before there was a grace. */
  @Test
  void withoutAGraceHealthIsDownAtTheFirstFailedReadOfTheSource() throws Exception {
    HttpFhirClient nowhere = new HttpFhirClient(ClosedPort.url("/fhir"), Optional.empty(), Duration.ofSeconds(5));
    try (SyncAgent reading = SyncAgent.start(nowhere, TestServer.shared().fhir(), TestTargets.inOtherDatabase(),
            Agents.config(Agents.maps("device.json", DEVICE_MAP)).withUnhealthyAfter(Duration.ZERO),
            new SimpleMeterRegistry());
        SyncEndpoint own = new SyncEndpoint(reading, () -> "", "127.0.0.1", 0).start()) {
      Eventually.within(DEADLINE, () -> assertThat(source(own).path("error").isTextual()).isTrue());

      HttpResponse<String> down = send(own, "GET", "/healthz");

      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(down.body()).path("source").asText()).startsWith("cannot be read since ");
    }
  }

  /**
   * A map that writes a row's lot back into an extension nested 50,000 deep: the resource write-back makes from an
   * inserted row is too deep for the stack of its thread, whose StackOverflowError ends write-back. /healthz then
   * says so, rather than stay up while no change of the target reaches FHIR again.
   */
  @Test
  void healthIsDownNamingWriteBackOnceAnErrorEndedIt() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    try (SyncAgent writing = Agents.start(TestServer.shared(), target,
            Agents.config(Agents.maps("device.json", lotWrittenBackTooDeep("Create"))));
        SyncEndpoint own = new SyncEndpoint(writing, () -> "", "127.0.0.1", 0).start()) {
      assertThat(send(own, "GET", "/healthz").statusCode()).isEqualTo(200);

      TestTargets.execute(target, "INSERT INTO msemr_device (msemr_deviceid, msemr_lot, msemr_azurefhirsyncenabled)"
          + " VALUES ('" + UUID.randomUUID() + "', 'L-deep', true)");

      Eventually.within(DEADLINE, () -> assertThat(send(own, "GET", "/healthz").statusCode()).isEqualTo(503));
      JsonNode down = JSON.readTree(send(own, "GET", "/healthz").body());
      assertThat(down.path("status").asText()).isEqualTo("DOWN");
      assertThat(down.path("writeBack").asText()).contains("StackOverflowError");
    }
  }

  /**
   * The same map writing back the lot of a Device synced from FHIR: the resource write-back patches is too deep for
   * the stack of the pool thread that writes the row. Its StackOverflowError ends write-back as one on write-back's
   * own thread does, rather than come back as a failure for which the same page is tried again for ever.
   */
  @Test
  void healthIsDownNamingWriteBackOnceAnErrorEndedTheThreadWritingARow() throws Exception {
    TargetConfig target = TestTargets.inOtherDatabase();
    String id = TestServer.shared().client().create().resource(new Device().setLotNumber("L-1")).execute().getId()
        .getIdPart();
    try (SyncAgent writing = Agents.start(TestServer.shared(), target,
            Agents.config(Agents.maps("device.json", lotWrittenBackTooDeep("Update"))));
        SyncEndpoint own = new SyncEndpoint(writing, () -> "", "127.0.0.1", 0).start()) {
      Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target,
          "SELECT count(*) FROM msemr_device WHERE msemr_azurefhirid = ?", id)).isOne());
      TestTargets.execute(target, "UPDATE msemr_device SET msemr_azurefhirsyncenabled = true WHERE msemr_azurefhirid"
          + " = '" + id + "'");
      assertThat(send(own, "GET", "/healthz").statusCode()).isEqualTo(200);

      TestTargets.execute(target, "UPDATE msemr_device SET msemr_lot = 'L-deep' WHERE msemr_azurefhirid = '" + id
          + "'");

      Eventually.within(DEADLINE, () -> assertThat(send(own, "GET", "/healthz").statusCode()).isEqualTo(503));
      JsonNode down = JSON.readTree(send(own, "GET", "/healthz").body());
      assertThat(down.path("writeBack").asText()).contains("StackOverflowError");
    }
  }

  /** A Device map that writes a row's lot back, on these messages, into an extension nested 50,000 deep. */
  private static String lotWrittenBackTooDeep(String messages) {
    String nested = "extension[0]." + "extension[0].".repeat(50_000);
    return """
        {"resource": "Device", "table": "msemr_device", "writeBack": true, "messages": ["%2$s"], "attributes": [
          {"column": "msemr_lot", "path": "lotNumber",
           "element": {"s": "$.%1$sextension[0].valueString", "c": {"p": "%1$sextension[0]",
                       "a": [{"valueString": "%%"}]}}}]}"""
        .formatted(nested, messages);
  }

  /** The source as {@code /sync/status} lists it. */
  private static JsonNode source(SyncEndpoint endpoint) throws Exception {
    return JSON.readTree(send(endpoint, "GET", "/sync/status").body()).path("sources").path(0);
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    return send(endpoint, method, path);
  }

  private static HttpResponse<String> send(SyncEndpoint endpoint, String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
