package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.send.Json;
import io.brazier.loader.storage.BlobStorage;
import io.brazier.loader.storage.FolderStorage;
import io.brazier.loader.storage.Storage;
import io.brazier.server.TestServer;
import io.brazier.testkit.Azurite;
import io.brazier.testkit.ClosedPort;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.StallingFhirServer;
import io.brazier.testkit.TempFolders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's export jobs through its endpoint: started, listed, limited, cancelled and purged. */
class ExportJobsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final TestServer server = TestServer.shared();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private ExportJobs jobs;
  private LoaderEndpoint endpoint;

  /** A patient with 60 Observations: an export of them a page at a time runs long enough to be caught running. */
  @BeforeAll
  static void aPatientWithManyObservations() {
    IGenericClient client = server.client();
    client.update().resource(new Patient().setActive(true).setId("export-job-1")).execute();
    for (int i = 0; i < 60; i++) {
      client.update().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
          .setCode(new CodeableConcept().setText("pulse"))
          .setSubject(new Reference("Patient/export-job-1")).setId("export-job-obs-" + i)).execute();
    }
  }

  @AfterEach
  void stop() {
    if (endpoint != null) {
      endpoint.close();
      jobs.close();
      endpoint = null;
    }
  }

  @Test
  void aPatientExportStartedByPostCompletesAndItsStatusListsItsFiles() throws Exception {
    start(2);

    HttpResponse<String> started = post("$alt-export", """
        {"query":"Patient?_id=export-job-1","patientreferencefield":"id",
         "include":["Patient?_id=$IDS","Observation?patient=$IDS"]}""");
    String id = Json.parse(started.body().getBytes()).path("id").asText();
    JsonNode status = awaitEnd(id);

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(status.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(status.path("resources").asLong()).isEqualTo(61);
    assertThat(Files.readAllLines(dir.resolve("export").resolve(id).resolve("Observation-1.ndjson"))).hasSize(60);
    assertThat(dir.resolve("export").resolve(id).resolve("manifest.json")).exists();
    JsonNode list = Json.MAPPER.readTree(get("/loader/$alt-export-status").body());
    assertThat(list).extracting(job -> job.path("instanceId").asText()).contains(id);
  }

  @Test
  void beyondMaxExportsEvenExportAllIsRefusedWith429AndACancelledJobEnds() throws Exception {
    start(1);
    HttpResponse<String> running = post("$alt-export-all", "{\"_type\":\"Observation\",\"_count\":1}");
    String id = Json.parse(running.body().getBytes()).path("id").asText();

    HttpResponse<String> refusedAll = post("$alt-export-all", "{\"_type\":\"Observation\"}");
    HttpResponse<String> refusedPatients = post("$alt-export", """
        {"query":"Patient","include":["Patient?_id=$IDS"]}""");
    HttpResponse<String> cancelled = http.send(HttpRequest.newBuilder(url("/loader/$alt-export/" + id)).DELETE()
        .build(), BodyHandlers.ofString());

    assertThat(refusedAll.statusCode()).isEqualTo(429);
    assertThat(refusedAll.headers().firstValue("Retry-After")).contains("60");
    assertThat(refusedAll.body()).contains("1 exports are running");
    assertThat(refusedPatients.statusCode()).isEqualTo(429);
    assertThat(cancelled.statusCode()).isEqualTo(202);
    assertThat(awaitEnd(id).path("status").asText()).isEqualTo("CANCELED");
    assertThat(post("$alt-export-all", "{\"_type\":\"Patient\"}").statusCode()).as("room again").isEqualTo(202);
  }

  @Test
  void loadersSharingAFolderCountEachOthersRunningExports() throws Exception {
    try (ExportJobs one = jobsOn(new FolderStorage(dir)); ExportJobs other = jobsOn(new FolderStorage(dir))) {
      oneExportAtATimeAcross(one, other);
    }
  }

  @Test
  void loadersSharingABlobAccountCountEachOthersRunningExports() throws Exception {
    String account = Azurite.shared().connectionString();
    try (ExportJobs one = jobsOn(BlobStorage.connect(account));
        ExportJobs other = jobsOn(BlobStorage.connect(account))) {
      oneExportAtATimeAcross(one, other);
    }
  }

  /** Loaders allowing one export at once each: while the first runs one, the other may start none. */
  private void oneExportAtATimeAcross(ExportJobs one, ExportJobs other) throws Exception {
    TypeExport patients = new TypeExport("Patient", null, null, 1, 100);
    String id = one.start(new TypeExport("Observation", null, null, 1, 1), ExportSource.OWN);

    assertThatThrownBy(() -> other.start(patients, ExportSource.OWN)).isInstanceOf(ExportJobs.TooMany.class)
        .hasMessageContaining("1 exports are running");
    assertThat(one.cancel(id)).isTrue();
    Eventually.until(DEADLINE, "export " + id + " ended", () -> state(other, id) != ExportJobs.State.RUNNING);
    assertThat(other.start(patients, ExportSource.OWN)).as("room again").isNotBlank();
  }

  @Test
  void aStartCountsTheJobsHoldingTheirLockAndReadsNoRecord() throws Exception {
    try (ExportJobs one = jobsOn(new FolderStorage(dir))) {
      ExportJournal journal = new ExportJournal(new FolderStorage(dir));
      ExportJobs.Job dead = new ExportJobs.Job(UUID.randomUUID().toString(), Instant.now(), "Observation", "own",
          ExportJobs.State.RUNNING, null, null, null); // recorded running by a loader that died: it holds no lock
      journal.write(dead);

      String id = one.start(new TypeExport("Observation", null, null, 1, 1), ExportSource.OWN);
      ExportJobs.State deadAfterStart = journal.read(dead.id()).orElseThrow().state();

      assertThat(deadAfterStart).as("not counted, and its record left to the next listing").isEqualTo(
          ExportJobs.State.RUNNING);
      assertThatThrownBy(() -> one.start(new TypeExport("Patient", null, null, 1, 100), ExportSource.OWN))
          .isInstanceOf(ExportJobs.TooMany.class).hasMessageContaining("1 exports are running");
      assertThat(one.job(dead.id()).orElseThrow().problem()).isEqualTo(ExportJobs.INTERRUPTED);
      assertThat(one.cancel(id)).isTrue();
    }
  }

  private ExportJobs jobsOn(Storage storage) throws Exception {
    return new ExportJobs(ExportSources.only(target(), LoaderConfig.defaults()), storage, 1 << 20, 1,
        Duration.ofDays(30), Clock.systemUTC());
  }

  @Test
  void endedJobsAreForgottenAfterThePurgeAge() throws Exception {
    start(2, Duration.ZERO);
    String id = Json.parse(post("$alt-export-all", "{\"_type\":\"Patient\"}").body().getBytes()).path("id").asText();

    Eventually.until(DEADLINE, "the ended job forgotten", () -> listed(jobs).isEmpty());

    assertThat(get("/loader/$alt-export-status/" + id).statusCode()).isEqualTo(404);
    assertThat(dir.resolve("export").resolve(id).resolve("manifest.json")).as("files stay").exists();
  }

  @Test
  void badBodiesAnswer400WithWhatToFix() throws Exception {
    start(2);

    HttpResponse<String> noIds = post("$alt-export", "{\"query\":\"Patient\",\"include\":[\"Patient?_id=1\"]}");
    HttpResponse<String> noIncludes = post("$alt-export", "{\"query\":\"Patient\"}");
    HttpResponse<String> noType = post("$alt-export-all", "{\"_since\":\"2024-01-01T00:00:00Z\"}");
    HttpResponse<String> badSince = post("$alt-export-all", "{\"_type\":\"Patient\",\"_since\":\"soon\"}");
    HttpResponse<String> notJson = post("$alt-export", "query=Patient");
    HttpResponse<String> unknownCancel = http.send(HttpRequest.newBuilder(url("/loader/$alt-export/nope")).DELETE()
        .build(), BodyHandlers.ofString());

    assertThat(List.of(noIds, noIncludes, noType, badSince, notJson)).extracting(HttpResponse::statusCode)
        .containsOnly(400);
    assertThat(noIds.body()).contains("include Patient?_id=1 has no $IDS").doesNotContain("--include");
    assertThat(Json.parse(noIncludes.body().getBytes()).path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(noIncludes.body()).contains("Give at least one include,").doesNotContain("--include");
    assertThat(noType.body()).contains("needs a _type");
    assertThat(badSince.body()).contains("_since must be an instant");
    assertThat(notJson.body()).contains("not a JSON object");
    assertThat(unknownCancel.statusCode()).isEqualTo(404);
  }

  @Test
  void aJobForATypeTheServerDoesNotServeEndsFailedSayingWhy() throws Exception {
    start(2);

    String id = jobs.start(new TypeExport("Observatoin", null, null, 1, 50), ExportSource.OWN);
    JsonNode status = awaitEnd(id);

    assertThat(status.path("status").asText()).isEqualTo("FAILED");
    assertThat(status.path("error").asText()).contains("Observatoin is not a resource type the server");
    assertThat(status.has("manifest")).isFalse();
    assertThat(jobs.cancel(id)).as("an ended job cannot be cancelled").isFalse();
  }

  @Test
  void settingsOnlyTheRunFindsWrongAreNamedByTheBodysFieldsNotTheCommandLinesFlags() throws Exception {
    start(2);
    String longInclude = "Observation?patient=$IDS&code=" + "x".repeat(200);

    JsonNode noRoom = awaitEnd(Json.parse(post("$alt-export", """
        {"query":"Patient?_id=export-job-1","maxurl":256,"include":["%s"]}""".formatted(longInclude))
        .body().getBytes()).path("id").asText());
    JsonNode noField = awaitEnd(Json.parse(post("$alt-export", """
        {"query":"Observation?_id=export-job-obs-0","include":["Patient?_id=$IDS"]}""").body().getBytes())
        .path("id").asText());

    assertThat(noRoom.path("status").asText()).isEqualTo("FAILED");
    assertThat(noRoom.path("error").asText()).startsWith("maxurl 256 leaves no room for patient ids")
        .doesNotContain("--");
    assertThat(noField.path("status").asText()).isEqualTo("FAILED");
    assertThat(noField.path("error").asText())
        .startsWith("The query returns Observation, not Patient: give patientreferencefield, the field of")
        .doesNotContain("--");
  }

  @Test
  void aJobAgainstAnUnreachableServerEndsFailedNamingTheServer() throws Exception {
    start(2);
    String nowhere = ClosedPort.url("/fhir").toString();
    var unreachable = new HttpFhirClient(URI.create(nowhere), Optional.empty(), Duration.ofSeconds(5));
    try (ExportJobs elsewhere = new ExportJobs(ExportSources.only(unreachable,
        LoaderConfig.defaults().withRetries(0, Duration.ZERO)), new FolderStorage(dir), 1 << 20, 1,
        Duration.ofDays(1), Clock.systemUTC())) {
      String id = elsewhere.start(new TypeExport("Patient", null, null, 1, 50), ExportSource.OWN);

      Eventually.until(DEADLINE, "the job ended", () -> state(elsewhere, id) != ExportJobs.State.RUNNING);

      ExportJobs.Job job = elsewhere.job(id).orElseThrow();
      assertThat(job.state()).isEqualTo(ExportJobs.State.FAILED);
      assertThat(job.problem()).contains(nowhere, "could not be asked what it serves");
      assertThat(job.ended()).isNotNull();
      assertThat(elsewhere.start(new TypeExport("Patient", null, null, 1, 50), ExportSource.OWN)).as("its slot is free again")
          .isNotEqualTo(id);
    }
  }

  @Test
  void jobsAreListedNewestFirstAndUnknownOnesAreNeitherFoundNorCancelled() throws Exception {
    start(2);

    String first = jobs.start(new TypeExport("Patient", null, null, 1, 50), ExportSource.OWN);
    awaitEnd(first);
    Thread.sleep(5); // created instants apart
    String second = jobs.start(new TypeExport("Patient", null, null, 1, 50), ExportSource.OWN);
    awaitEnd(second);

    assertThat(jobs.list()).extracting(ExportJobs.Job::id).containsExactly(second, first);
    assertThat(jobs.job("nope")).isEmpty();
    assertThat(jobs.cancel("nope")).isFalse();
  }

  @Test
  void atLeastOneExportMustBeAllowed() {
    var target = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(5));

    assertThatThrownBy(() -> new ExportJobs(ExportSources.only(target, LoaderConfig.defaults()), new FolderStorage(dir),
        1 << 20, 0, Duration.ofDays(1), Clock.systemUTC()))
        .hasMessage("--max-exports must be at least 1, not 0");
  }

  @Test
  void jobsOutliveTheirProcessInTheLoadersJournalAndAreStillPurgedAfterTheirAge() throws Exception {
    start(2);
    String id = Json.parse(post("$alt-export-all", "{\"_type\":\"Patient\"}").body().getBytes()).path("id")
        .asText();
    JsonNode before = awaitEnd(id);
    stop();

    start(2); // the loader started again
    JsonNode after = Json.MAPPER.readTree(get("/loader/$alt-export-status/" + id).body());
    ExportJobs.Job recorded = jobs.job(id).orElseThrow();
    stop();
    try (ExportJobs purging = new ExportJobs(ExportSources.only(target(), LoaderConfig.defaults()),
        new FolderStorage(dir), 1 << 20, 2, Duration.ZERO, Clock.systemUTC())) {
      assertThat(purging.list()).as("purged by age, after a restart too").isEmpty();
    }

    assertThat(before.path("status").asText()).isEqualTo("COMPLETED");
    for (String field : List.of("status", "createdDateTime", "input", "manifest", "resources", "output")) {
      assertThat(after.path(field)).as(field + " after the restart").isEqualTo(before.path(field));
    }
    assertThat(recorded.report().output()).isNotEmpty();
    assertThat(dir.resolve(".loader/exports/" + id + ".json")).doesNotExist();
    assertThat(dir.resolve("export").resolve(id).resolve("manifest.json")).as("files stay").exists();
  }

  @Test
  void aJobRunningWhenItsLoaderStopsIsListedInterruptedByTheNextOne() throws Exception {
    try (StallingFhirServer stalling = new StallingFhirServer()) {
      var stalled = new HttpFhirClient(URI.create(stalling.baseUrl()), Optional.empty(), Duration.ofMinutes(5));
      String id;
      try (ExportJobs first = new ExportJobs(ExportSources.only(stalled, LoaderConfig.defaults()),
          new FolderStorage(dir), 1 << 20, 2, Duration.ofDays(1), Clock.systemUTC())) {
        id = first.start(new TypeExport("Observation", null, null, 1, 50), ExportSource.OWN);
        Eventually.until(DEADLINE, "the job searching", () -> stalling.searches() > 0);
        assertThat(first.job(id).orElseThrow().state()).isEqualTo(ExportJobs.State.RUNNING);
      }

      try (ExportJobs next = new ExportJobs(ExportSources.only(target(), LoaderConfig.defaults()),
          new FolderStorage(dir), 1 << 20, 2, Duration.ofDays(1), Clock.systemUTC())) {
        Eventually.until(DEADLINE, "the job ended", () -> state(next, id) != ExportJobs.State.RUNNING);
        ExportJobs.Job job = next.job(id).orElseThrow();

        assertThat(job.state()).isEqualTo(ExportJobs.State.FAILED);
        assertThat(job.problem()).isEqualTo(ExportJobs.INTERRUPTED);
        assertThat(job.ended()).isNotNull();
      }
    }
  }

  @Test
  void anotherServerNamedByBaseAddressIsExportedWithATokenForItsAudience() throws Exception {
    List<String> audiences = new java.util.concurrent.CopyOnWriteArrayList<>();
    var nowhere = new HttpFhirClient(ClosedPort.url("/fhir"), Optional.empty(), Duration.ofSeconds(5));
    ExportSources sources = new ExportSources(nowhere, LoaderConfig.defaults(), List.of(URI.create(server.baseUrl())),
        (base, audience) -> {
          audiences.add(audience);
          return new HttpFhirClient(base, Optional.empty(), Duration.ofSeconds(60));
        }, true);
    start(2, Duration.ofDays(30), sources);

    HttpResponse<String> started = post("$alt-export-all", "{\"_type\":\"Patient\",\"_baseAddress\":\""
        + server.baseUrl() + "\",\"_audience\":\"api://other-fhir\"}");
    JsonNode status = awaitEnd(Json.parse(started.body().getBytes()).path("id").asText());
    HttpResponse<String> notAllowed = post("$alt-export-all",
        "{\"_type\":\"Patient\",\"_baseAddress\":\"http://169.254.169.254/fhir\"}");

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(status.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(status.path("resources").asLong()).isPositive();
    assertThat(status.path("source").asText()).contains(server.baseUrl(), "api://other-fhir");
    assertThat(audiences).containsExactly("api://other-fhir");
    assertThat(notAllowed.statusCode()).isEqualTo(400);
    assertThat(notAllowed.body()).contains("--export-source http://169.254.169.254/fhir", server.baseUrl());
  }

  @Test
  void anAudienceNeedsTheLoadersOauthCredentialsAndAnotherServerItsPermission() throws Exception {
    start(2);

    HttpResponse<String> noPermission = post("$alt-export-all",
        "{\"_type\":\"Patient\",\"_baseAddress\":\"https://other.example/fhir\",\"_parallelizationCount\":2}");
    HttpResponse<String> badInterval = post("$alt-export-all",
        "{\"_type\":\"Patient\",\"_parallelSearchInSecondsInterval\":60}");
    jobs.close();
    jobs = new ExportJobs(new ExportSources(target(), LoaderConfig.defaults(),
        List.of(URI.create("https://other.example/fhir")), (base, audience) -> target(), false),
        new FolderStorage(dir), 1 << 20, 2, Duration.ofDays(1), Clock.systemUTC());

    assertThat(noPermission.statusCode()).isEqualTo(400);
    assertThat(noPermission.body()).contains("not a source this loader may export from", "(it allows none)");
    assertThat(badInterval.statusCode()).isEqualTo(400);
    assertThat(badInterval.body()).contains("_parallelSearchInSecondsInterval");
    assertThatThrownBy(() -> jobs.start(new TypeExport("Patient", null, null, 1, 50),
        new ExportSource(URI.create("https://other.example/fhir"), "api://other")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no OAuth2 client credentials");
    assertThat(jobs.list()).as("nothing started").isEmpty();
  }

  @Test
  void aJournalThatCannotBeReadOrWrittenAnswers503AndStartsNothing() throws Exception {
    start(2);
    Path journal = dir.resolve(".loader/exports");
    TempFolders.delete(journal);
    Files.writeString(journal, "a file where the journal's folder was");

    HttpResponse<String> list = get("/loader/$alt-export-status");
    HttpResponse<String> started = post("$alt-export-all", "{\"_type\":\"Patient\"}");

    assertThat(List.of(list, started)).extracting(HttpResponse::statusCode).containsOnly(503);
    assertThat(started.body()).contains("export journal cannot be read or written");
    assertThat(started.headers().firstValue("Retry-After")).contains("60");
    assertThat(dir.resolve("export")).doesNotExist();
  }

  private static List<ExportJobs.Job> listed(ExportJobs jobs) {
    try {
      return jobs.list();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ExportJobs.State state(ExportJobs jobs, String id) {
    try {
      return jobs.job(id).orElseThrow().state();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpFhirClient target() {
    return new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(60));
  }

  private void start(int maxExports) throws Exception {
    start(maxExports, Duration.ofDays(30));
  }

  private void start(int maxExports, Duration purgeAfter) throws Exception {
    start(maxExports, purgeAfter, ExportSources.only(target(), LoaderConfig.defaults()));
  }

  private void start(int maxExports, Duration purgeAfter, ExportSources sources) throws Exception {
    jobs = new ExportJobs(sources, new FolderStorage(dir), 1 << 20, maxExports, purgeAfter, Clock.systemUTC());
    LoaderService service = new LoaderService(target(), LoaderConfig.defaults(), new FolderStorage(dir),
        new SimpleMeterRegistry());
    endpoint = new LoaderEndpoint(List.of(service), jobs, () -> "", "127.0.0.1", 0).start();
  }

  private JsonNode awaitEnd(String id) throws Exception {
    JsonNode[] status = new JsonNode[1];
    Eventually.until(DEADLINE, "export " + id + " ended", () -> {
      try {
        status[0] = Json.MAPPER.readTree(get("/loader/$alt-export-status/" + id).body());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return !status[0].path("status").asText().equals("RUNNING");
    });
    return status[0];
  }

  private HttpResponse<String> post(String operation, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(url("/loader/" + operation))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(url(path)).build(), BodyHandlers.ofString());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + endpoint.port() + path.replace("$", "%24"));
  }
}
