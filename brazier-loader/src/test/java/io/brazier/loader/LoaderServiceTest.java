package io.brazier.loader;

import io.brazier.client.HttpFhirClient;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.brazier.loader.send.Json;
import io.brazier.loader.send.Statuses;
import io.brazier.loader.storage.FolderStorage;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderServiceTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @TempDir
  Path dir;

  private LoaderService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void theTrainingBundlesDroppedIntoBundlesLandInBundlesProcessedWithZeroFailedEntries() throws Exception {
    start(LoaderConfig.defaults());
    Samples.mc4h(dir.resolve("incoming"));
    for (String name : Samples.MC4H) {
      Files.move(dir.resolve("incoming").resolve(name), dir.resolve("bundles").resolve(name));
    }

    for (String name : Samples.MC4H) {
      awaitFile("bundlesprocessed/" + name + ".processed");
      JsonNode result = Json.parse(Files.readAllBytes(dir.resolve("bundlesprocessed/" + name + ".processed.result")));
      assertThat(result.path("entry")).allSatisfy(entry ->
          assertThat(Statuses.success(Statuses.code(entry.path("response").path("status").asText()))).isTrue());
    }

    assertThat(dir.resolve("bundleserr")).isEmptyDirectory();
    assertThat(dir.resolve("bundles")).isEmptyDirectory();
    Bundle patients = client.search().forResource(Patient.class)
        .where(Patient.RES_ID.exactly().codes(Samples.MC4H_PATIENTS)).returnBundle(Bundle.class).execute();
    assertThat(patients.getEntry()).hasSize(3);
  }

  @Test
  void badFilesEndInTheErrorFoldersWithAReasonThatSaysWhatToFix() throws Exception {
    start(LoaderConfig.defaults());
    Samples.write(dir.resolve("bundles/notjson.json"), "{ this is not");
    Samples.write(dir.resolve("bundles/collection.json"), "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
    Samples.write(dir.resolve("ndjson/lines.ndjson"), """
        {"resourceType":"Patient","id":"svc-good"}
        {"resourceType":"Patient"}
        """);
    byte[] zip = Samples.zip("a.json", "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[]}");
    Files.write(dir.resolve("zip/truncated.zip"), Arrays.copyOf(zip, zip.length - 30));
    Samples.write(dir.resolve("ndjson/fake.ndjson.gz"), "not gzip");

    awaitFile("bundleserr/notjson.json.err");
    awaitFile("bundleserr/collection.json.err");
    awaitFile("ndjsonprocessed/lines.ndjson.processed");
    awaitFile("ziperr/truncated.zip.err");
    awaitFile("ndjsonerr/fake.ndjson.gz.err");

    assertThat(dir.resolve("bundleserr/notjson.json.err.response")).content().contains("not JSON");
    assertThat(dir.resolve("bundleserr/collection.json.err.response")).content()
        .contains("type 'collection'", "transaction or batch");
    assertThat(dir.resolve("ndjsonerr/lines.ndjson.err")).content().isEqualTo("{\"resourceType\":\"Patient\"}\n");
    assertThat(dir.resolve("ndjsonerr/lines.ndjson.err.actionneeded")).content().contains("has no id");
    assertThat(dir.resolve("ziperr/truncated.zip.err.response")).content().contains("broken zip");
    assertThat(dir.resolve("ndjsonerr/fake.ndjson.gz.err.response")).content().contains("not gzip");
    assertThat(dir.resolve("bundles")).isEmptyDirectory();
    assertThat(client.read().resource(Patient.class).withId("svc-good").execute()).isNotNull();
  }

  @Test
  void aFileThatStoppedTheLoaderMoreThanMaxRetriesTimesGoesToTheErrorFolderWithTheReason() throws Exception {
    Path file = Samples.write(dir.resolve("bundles/poison.json"), "{\"resourceType\":\"Bundle\",\"type\":\"batch\"}");
    // What five killed attempts leave in the journal (size, time, attempts): the next one is the sixth.
    Samples.write(dir.resolve(".loader/journal/bundles/poison.json"), Files.size(file) + " "
        + Files.getLastModifiedTime(file).toMillis() + " 6");

    start(LoaderConfig.defaults());

    awaitFile("bundleserr/poison.json.err");
    assertThat(dir.resolve("bundleserr/poison.json.err.response")).content()
        .contains("stopped 6 times", "Split it into smaller files");
  }

  @Test
  void filesTheServerRefusesToLetTheLoaderWriteStayUncountedAndLoadOnceItTakesWrites() throws Exception {
    AtomicBoolean refusing = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    HttpServer front = FrontServer.serve(server, exchange -> {
      if (refusing.get()) {
        refused.incrementAndGet();
        FrontServer.reply(exchange, 403, null, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":"
            + "\"error\",\"code\":\"forbidden\",\"diagnostics\":\"No write scope.\"}]}");
      } else {
        FrontServer.forward(server, exchange, exchange.getRequestBody().readAllBytes());
      }
    });
    try {
      start(new HttpFhirClient(URI.create("http://127.0.0.1:" + front.getAddress().getPort() + "/fhir"),
          Optional.empty(), Duration.ofSeconds(60)), LoaderConfig.defaults().withRetries(2, Duration.ofMillis(100)));
      Samples.write(dir.resolve("bundles/granted.json"), "{\"resourceType\":\"Bundle\",\"type\":\"batch\","
          + "\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"svc-granted\"},\"request\":{"
          + "\"method\":\"PUT\",\"url\":\"Patient/svc-granted\"}}]}");
      Samples.write(dir.resolve("ndjson/granted.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"svc-granted-2\"}\n");

      Eventually.until(DEADLINE, "writes refused again after a pause", () -> refused.get() >= 4);
      assertThat(dir.resolve("bundleserr")).isEmptyDirectory();
      assertThat(dir.resolve("ndjsonerr")).isEmptyDirectory();
      assertThat(dir.resolve("bundles/granted.json")).exists();
      assertThat(dir.resolve("ndjson/granted.ndjson")).exists();
      refusing.set(false);

      awaitFile("bundlesprocessed/granted.json.processed");
      awaitFile("ndjsonprocessed/granted.ndjson.processed");
      assertThat(dir.resolve(".loader/journal/bundles/granted.json")).as("the refused attempts were not counted")
          .doesNotExist();
      assertThat(client.read().resource(Patient.class).withId("svc-granted-2").execute()).isNotNull();
    } finally {
      front.stop(0);
    }
  }

  @Test
  void aZipIsUnpackedIntoBundlesAndNdjsonUnderItsOwnNamesAndLoaded() throws Exception {
    start(LoaderConfig.defaults());
    byte[] zip = Samples.zip("data/one.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"zip-1\"}\n",
        "other/one.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"zip-2\"}\n", "readme.txt", "skipped");
    Files.write(dir.resolve("zip/Patients 2024.zip"), zip);

    awaitFile("zipprocessed/Patients 2024.zip");
    awaitFile("ndjsonprocessed/patients-2024-one.ndjson.processed");
    awaitFile("ndjsonprocessed/patients-2024-one-2.ndjson.processed");

    assertThat(client.read().resource(Patient.class).withId("zip-1").execute()).isNotNull();
    assertThat(client.read().resource(Patient.class).withId("zip-2").execute()).isNotNull();
  }

  @Test
  void aBatchLargerThanMaxEntriesIsSplitIntoChunksThatLoadInOrder() throws Exception {
    start(LoaderConfig.defaults().withSending(2, 3, 500));
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      entries.append(i == 0 ? "" : ",").append("""
          {"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Observation","status":"final",
           "code":{"text":"split"},"subject":{"reference":"urn:uuid:6d0ab0c6-2c1f-4a8e-9d7b-000000000000"}},
           "request":{"method":"POST","url":"Observation"}}""".formatted(java.util.UUID.randomUUID()));
    }
    Samples.write(dir.resolve("bundles/Big.json"), """
        {"resourceType":"Bundle","type":"batch","entry":[%s,
         {"fullUrl":"urn:uuid:6d0ab0c6-2c1f-4a8e-9d7b-000000000000","resource":{"resourceType":"Patient"},
          "request":{"method":"POST","url":"Patient"}}]}""".formatted(entries));

    awaitFile("bundlesprocessed/Big.json.split");
    for (int chunk = 1; chunk <= 3; chunk++) {
      String processed = "big-[0-9a-f]{12}-" + chunk + "\\.json\\.processed";
      Eventually.until(DEADLINE, "chunk " + chunk + " processed", () -> anyNamed("bundlesprocessed", processed));
    }

    assertThat(dir.resolve("bundleserr")).isEmptyDirectory();
    assertThat(client.read().resource(Patient.class).withId("6d0ab0c6-2c1f-4a8e-9d7b-000000000000").execute())
        .isNotNull();
  }

  @Test
  void bundlesPostedToTheEndpointAreQueuedLikeDroppedFilesAndTheStatusCountsThem() throws Exception {
    start(LoaderConfig.defaults());
    var target = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(60));
    try (ExportJobs exports = new ExportJobs(ExportSources.only(target, LoaderConfig.defaults()), new FolderStorage(dir),
        1 << 20, 2, Duration.ofDays(30), Clock.systemUTC());
        LoaderEndpoint endpoint = new LoaderEndpoint(java.util.List.of(service), exports, registry::scrape,
            "127.0.0.1", 0).start()) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + endpoint.port();
      String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":"
          + "{\"resourceType\":\"Patient\",\"id\":\"posted\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/posted\"}}]}";

      var posted = http.send(HttpRequest.newBuilder(URI.create(base + "/loader/bundles?name=Posted.json"))
          .POST(HttpRequest.BodyPublishers.ofString(bundle)).build(), BodyHandlers.ofString());
      var notABundle = http.send(HttpRequest.newBuilder(URI.create(base + "/loader/bundles"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build(), BodyHandlers.ofString());
      awaitFile("bundlesprocessed/posted.json.processed");
      var status = http.send(HttpRequest.newBuilder(URI.create(base + "/loader/status")).build(),
          BodyHandlers.ofString());
      var metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), BodyHandlers.ofString());

      assertThat(posted.statusCode()).isEqualTo(202);
      assertThat(posted.body()).contains("\"filename\":\"posted.json\"");
      assertThat(notABundle.statusCode()).isEqualTo(400);
      assertThat(notABundle.body()).contains("not a FHIR Bundle");
      JsonNode counts = Json.parse(status.body().getBytes(StandardCharsets.UTF_8));
      assertThat(counts.path("filesProcessed").asLong()).isEqualTo(1);
      assertThat(counts.path("resources").asLong()).isEqualTo(1);
      assertThat(metrics.body()).contains("brazier_loader_files_total{outcome=\"processed\",storage=\"folder\"} 1.0");
    }
  }

  private void start(LoaderConfig config) throws IOException {
    start(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(60)), config);
  }

  private void start(HttpFhirClient target, LoaderConfig config) throws IOException {
    service = new LoaderService(target, config.withSettle(Duration.ofMillis(200)), new FolderStorage(dir), registry)
        .start();
  }

  private boolean anyNamed(String folder, String pattern) {
    try (var names = Files.list(dir.resolve(folder))) {
      return names.anyMatch(path -> path.getFileName().toString().matches(pattern));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void awaitFile(String path) throws InterruptedException {
    Eventually.until(DEADLINE, path + " exists", () -> Files.exists(dir.resolve(path)));
  }
}
