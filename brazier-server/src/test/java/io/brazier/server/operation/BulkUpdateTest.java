package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.fhir.Fhir;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import io.brazier.server.ServerConfig;
import io.brazier.server.ServerConfig.MissingReferences;
import io.brazier.server.TestServer;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.TestDatabase;
import io.brazier.store.TestDatabase.HeldLock;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Microsoft's {@code $bulk-update} over HTTP on a server of its own (one bulk update runs at a time, so no other
 * test's may be running): what it patches, counts and refuses, its cancel, and its resumption on another node.
 */
class BulkUpdateTest {
  private static final String TAGS = "urn:bulk-update-test";
  private static final String PATIENT = "X-Patient";
  private static TestServer server;
  private static IGenericClient client;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String tag = UUID.randomUUID().toString();

  @BeforeAll
  static void start() {
    server = TestServer.start(ServerConfig.defaults(), List.of(new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        // As the proxy's isolation would restrict a caller in a patient's context.
        String patient = request.header(PATIENT);
        return patient == null ? request : request.withRestriction(Restriction.within("Patient", List.of(patient)));
      }
    }));
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aTypeLevelUpdatePatchesWhatMatchesAsNewVersionsAndLeavesUnchangedOnesAlone() throws Exception {
    String first = create(patient(true, "Smith"));
    String second = create(patient(true, "Smith"));
    String unchanged = create(patient(false, "Smith"));
    String other = create(patient(true, "Jones"));
    long start = server.lastChange();

    HttpResponse<String> started = kickOff(server, "/Patient/$bulk-update?_tag=" + TAGS + "%7C" + tag + "&family=Smith",
        patch("replace", "Patient.active", "valueBoolean", "false"));
    HttpResponse<String> done = poll(started);
    server.lastChange(); // numbers the job's writes

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(done.statusCode()).isEqualTo(200);
    Parameters counts = parameters(done);
    assertThat(count(counts, "ResourceUpdatedCount", "Patient")).isEqualTo(2);
    assertThat(count(counts, "ResourceIgnoredCount", "Patient")).isEqualTo(1);
    assertThat(counts.getParameter("ResourcePatchFailedCount")).isNull();
    assertThat(read(first).getActive()).isFalse();
    assertThat(read(other).getActive()).as("not selected").isTrue();
    assertThat(versions(first)).isEqualTo(2);
    assertThat(versions(second)).isEqualTo(2);
    assertThat(versions(unchanged)).as("the patch left it as it was").isEqualTo(1);
    assertThat(changes(start)).containsExactlyInAnyOrder("Patient/" + first, "Patient/" + second);
  }

  @Test
  void aSystemLevelUpdatePatchesEachTypeItsOperationsNameAndCountsWhatFailsWithoutStopping() throws Exception {
    String patient = create(patient(true, "Brown"));
    String withoutActive = create(patient(null, "Brown"));
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("weight");
    observation.getMeta().addTag(TAGS, tag, null);
    String measured = client.create().resource(observation).execute().getId().getIdPart();

    Parameters patch = patch("upsert", "Resource", "valueCode", "en");
    patch.getParameterFirstRep().addPart().setName("name").setValue(new org.hl7.fhir.r4.model.StringType("language"));
    patch.addParameter(patch("replace", "Patient.active", "valueBoolean", "false").getParameterFirstRep());
    HttpResponse<String> done = poll(kickOff(server, "/$bulk-update?_tag=" + TAGS + "%7C" + tag, patch));

    Parameters counts = parameters(done);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(count(counts, "ResourceUpdatedCount", "Patient")).isEqualTo(1);
    assertThat(count(counts, "ResourceUpdatedCount", "Observation")).isEqualTo(1);
    assertThat(count(counts, "ResourcePatchFailedCount", "Patient")).isEqualTo(1);
    OperationOutcome issues = (OperationOutcome) counts.getParameter("Issues").getResource();
    assertThat(issues.getIssueFirstRep().getDiagnostics()).startsWith("Patient/" + withoutActive + ":");
    assertThat(read(patient).getLanguage()).isEqualTo("en");
    assertThat(read(withoutActive).getLanguage()).as("its patch failed whole").isNull();
    assertThat(versions(withoutActive)).isEqualTo(1);
    assertThat(client.read().resource(Observation.class).withId(measured).execute().getLanguage()).isEqualTo("en");
  }

  @Test
  void aBadPatchOrSearchIsA400BeforeAnyJob() throws Exception {
    Parameters add = patch("add", "Patient", "valueBoolean", "true");
    add.getParameterFirstRep().addPart().setName("name").setValue(new org.hl7.fhir.r4.model.StringType("active"));

    assertThat(kickOff(server, "/Patient/$bulk-update", add).statusCode()).isEqualTo(400);
    assertThat(kickOff(server, "/Patient/$bulk-update?colour=blue", patch("replace", "Patient.active",
        "valueBoolean", "true")).statusCode()).isEqualTo(400);
    assertThat(kickOff(server, "/Patient/$bulk-update", patch("replace", "active", "valueBoolean", "true"))
        .statusCode()).as("a path that names no type").isEqualTo(400);
    assertThat(kickOff(server, "/Patient/$bulk-update?_include=Patient:organization", patch("replace",
        "Patient.active", "valueBoolean", "true")).statusCode()).isEqualTo(400);
    assertThat(kickOff(server, "/SearchParameter/$bulk-update", patch("replace", "SearchParameter.name",
        "valueString", "x")).statusCode()).isEqualTo(400);
    HttpResponse<String> notAPatch = http.send(request(server, "/Patient/$bulk-update")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notAPatch.statusCode()).isEqualTo(400);
    assertThat(notAPatch.body()).contains("OperationOutcome");
  }

  @Test
  void aCallerRestrictedToSomePatientsIsRefused() throws Exception {
    String patient = create(patient(true, "Restricted"));
    String body = server.fhir().jsonParser().encodeResourceToString(patch("replace", "Patient.active",
        "valueBoolean", "false"));

    HttpResponse<String> refused = http.send(request(server, "/Patient/$bulk-update").header(PATIENT, patient)
        .header("Prefer", "respond-async").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("OperationOutcome");
    assertThat(read(patient).getActive()).isTrue();
  }

  @Test
  void aSecondUpdateWhileOneRunsIsA409AndACancelledOneAnswersWhatItDid() throws Exception {
    // A bulk update running on a node that holds it for an hour.
    String running = server.store().jobs().submit(BulkUpdate.KIND, "{}", null);
    server.store().jobs().claim("busy-node", Set.of(BulkUpdate.KIND), Duration.ofHours(1));
    Parameters patch = patch("replace", "Patient.active", "valueBoolean", "false");

    HttpResponse<String> second = kickOff(server, "/Patient/$bulk-update", patch);
    HttpResponse<String> cancel = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/_async/" + running))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> cancelled = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/_async/"
        + running)).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> after = kickOff(server, "/Patient/$bulk-update?_tag=" + TAGS + "%7C" + tag, patch);

    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(second.body()).contains("OperationOutcome");
    assertThat(cancel.statusCode()).isEqualTo(202);
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.body()).contains("cancelled");
    assertThat(after.statusCode()).isEqualTo(202);
    assertThat(poll(after).statusCode()).isEqualTo(200);
  }

  @Test
  void aJobWhoseNodeDiedResumesAndPatchesNothingThatChangedSinceItBegan(@TempDir Path dir) throws Exception {
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      for (String id : List.of("a", "b", "c")) {
        before.client().update().resource(patient(true, "Resumed").setId(id)).execute();
      }
    }
    long sequence;
    try (PostgresStore store = store(dir)) {
      sequence = store.watermark();
    }
    try (TestServer meanwhile = TestServer.start(dir, ServerConfig.defaults())) {
      // Patient/a changes after the job began: as if the dead node had patched it, or anyone else had.
      meanwhile.client().update().resource(patient(true, "Changed").setId("a")).execute();
    }
    String job;
    try (PostgresStore store = store(dir)) {
      BulkUpdate.Request request = new BulkUpdate.Request(List.of("Patient"), Map.of(), new Fhir(false).jsonParser()
          .encodeResourceToString(patch("replace", "Patient.active", "valueBoolean", "false")), sequence,
          "http://localhost/fhir", null);
      job = store.jobs().submit(BulkUpdate.KIND, JobJson.write(request), null);
      store.jobs().claim("dead-node", Set.of(BulkUpdate.KIND), Duration.ofMillis(1));
    }

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      HttpResponse<String> done = poll(after, after.baseUrl() + "/_async/" + job);
      Parameters counts = (Parameters) after.fhir().jsonParser().parseResource(done.body());
      Patient changed = after.client().read().resource(Patient.class).withId("a").execute();
      Patient patched = after.client().read().resource(Patient.class).withId("b").execute();

      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(count(counts, "ResourceUpdatedCount", "Patient")).isEqualTo(2);
      assertThat(count(counts, "ResourceIgnoredCount", "Patient")).isEqualTo(1);
      assertThat(changed.getActive()).as("changed since the job began: left alone").isTrue();
      assertThat(changed.getMeta().getVersionId()).isEqualTo("2");
      assertThat(patched.getActive()).isFalse();
    }
  }

  @Test
  void aPageLeavesAloneWhatChangedOrWentSinceTheJobBeganAndPatchesTheRest(@TempDir Path dir) throws Exception {
    // The page reads its resources' current versions in one round trip: a deletion among them is one too.
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      for (String id : List.of("a", "b", "c", "d")) {
        before.client().update().resource(patient(true, "Page").setId(id)).execute();
      }
    }
    long sequence;
    try (PostgresStore store = store(dir)) {
      sequence = store.watermark();
    }
    try (TestServer meanwhile = TestServer.start(dir, ServerConfig.defaults())) {
      meanwhile.client().update().resource(patient(true, "Changed").setId("a")).execute();
      meanwhile.client().delete().resourceById("Patient", "c").execute();
    }
    String job;
    try (PostgresStore store = store(dir)) {
      BulkUpdate.Request request = new BulkUpdate.Request(List.of("Patient"), Map.of(), new Fhir(false).jsonParser()
          .encodeResourceToString(patch("replace", "Patient.active", "valueBoolean", "false")), sequence,
          "http://localhost/fhir", null);
      job = store.jobs().submit(BulkUpdate.KIND, JobJson.write(request), null);
    }

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      HttpResponse<String> done = poll(after, after.baseUrl() + "/_async/" + job);
      Parameters counts = (Parameters) after.fhir().jsonParser().parseResource(done.body());
      IGenericClient reader = after.client();

      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(count(counts, "ResourceUpdatedCount", "Patient")).isEqualTo(2);
      assertThat(count(counts, "ResourceIgnoredCount", "Patient")).isEqualTo(2);
      assertThat(counts.getParameter("ResourcePatchFailedCount")).isNull();
      assertThat(reader.read().resource(Patient.class).withId("a").execute().getActive()).isTrue();
      assertThat(reader.read().resource(Patient.class).withId("b").execute().getActive()).isFalse();
      assertThat(reader.read().resource(Patient.class).withId("d").execute().getActive()).isFalse();
      assertThat(reader.search().forResource(Patient.class).where(Patient.RES_ID.exactly().code("c"))
          .returnBundle(Bundle.class).execute().getEntry()).as("still deleted").isEmpty();
    }
  }

  @Test
  void aCancelWhileAPageIsInFlightAnswersExactlyWhatWasPatched() throws Exception {
    Bundle first = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < BulkUpdateRun.PAGE; i++) {
      first.addEntry().setResource(patient(true, "InFlight")).getRequest().setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Patient");
    }
    client.transaction().withBundle(first).execute();
    // Updated after the others: on the last page, which commits after the cancel.
    String last = create(patient(true, "InFlight"));
    Parameters patch = patch("replace", "Patient.active", "valueBoolean", "false");
    HttpResponse<String> started;
    HttpResponse<String> cancel;
    try (HeldLock writer = TestDatabase.lockResource(server.database(), "Patient", last)) {
      started = kickOff(server, "/Patient/$bulk-update?_tag=" + TAGS + "%7C" + tag, patch);
      writer.awaitWaiter();
      cancel = http.send(HttpRequest.newBuilder(URI.create(started.headers().firstValue("Content-Location")
          .orElseThrow())).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }
    // One bulk update runs at a time: once the next is done, the cancelled one's page has ended.
    poll(kickOff(server, "/Patient/$bulk-update?_id=none", patch));
    Parameters counts = parameters(http.send(HttpRequest.newBuilder(URI.create(started.headers()
        .firstValue("Content-Location").orElseThrow())).build(), HttpResponse.BodyHandlers.ofString()));
    int patched = client.search().forResource(Patient.class).withTag(TAGS, tag)
        .where(Patient.ACTIVE.exactly().code("false")).summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class)
        .execute().getTotal();

    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    assertThat(read(last).getActive()).as("cancelled before its page committed: not patched").isTrue();
    assertThat(count(counts, "ResourceUpdatedCount", "Patient")).as("exactly what was patched").isEqualTo(patched);
    assertThat(counts.getParameter("ResourceIgnoredCount")).as("nothing ignored").isNull();
  }

  @Test
  void aFailedUpdateAnswersWhatItDidBeforeAndWhyItFailed() throws Exception {
    Bundle first = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < BulkUpdateRun.PAGE; i++) {
      first.addEntry().setResource(patient(true, "Failing")).getRequest().setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Patient");
    }
    client.transaction().withBundle(first).execute();
    // Updated after the others: on the last page, whose commit fails.
    String last = create(patient(true, "Failing"));
    HttpResponse<String> failed;
    try (HeldLock writer = TestDatabase.lockResource(server.database(), "Patient", last)) {
      HttpResponse<String> started = kickOff(server, "/Patient/$bulk-update?_tag=" + TAGS + "%7C" + tag,
          patch("replace", "Patient.active", "valueBoolean", "false"));
      writer.awaitWaiter();
      // As a statement timeout would: the page's commit fails, and with it the job.
      writer.cancelWaiters();
      failed = poll(started);
    }
    Parameters answer = parameters(failed);
    int patched = client.search().forResource(Patient.class).withTag(TAGS, tag)
        .where(Patient.ACTIVE.exactly().code("false")).summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class)
        .execute().getTotal();

    assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
    assertThat(patched).as("the pages before the failure").isPositive();
    assertThat(count(answer, "ResourceUpdatedCount", "Patient")).as("exactly what was patched").isEqualTo(patched);
    OperationOutcome issues = (OperationOutcome) answer.getParameter("Issues").getResource();
    assertThat(issues.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(issues.getIssueFirstRep().getDiagnostics()).contains("incident");
    assertThat(read(last).getActive()).isTrue();
  }

  @Test
  void aPageWhosePatchesReferToTheSameMissingResourceCreatesOnePlaceholder() throws Exception {
    ServerConfig config = ServerConfig.builder().missingReferences(MissingReferences.PLACEHOLDER).build();
    try (TestServer own = TestServer.start(config)) {
      for (int i = 0; i < 3; i++) {
        own.client().create().resource(patient(true, "Referring")).execute();
      }
      String missing = "Organization/missing-" + tag;
      Parameters patch = patch("upsert", "Patient", "valueReference", missing);
      patch.getParameterFirstRep().addPart().setName("name")
          .setValue(new org.hl7.fhir.r4.model.StringType("managingOrganization"));
      long start = own.lastChange();

      HttpResponse<String> started = kickOff(own, "/Patient/$bulk-update?_tag=" + TAGS + "%7C" + tag, patch);
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      HttpResponse<String> done = poll(own, started.headers().firstValue("Content-Location").orElseThrow());

      assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
      Parameters counts = parameters(done);
      assertThat(count(counts, "ResourceUpdatedCount", "Patient")).isEqualTo(3);
      assertThat(counts.getParameter("ResourceIgnoredCount")).as("nothing ignored").isNull();
      assertThat(counts.getParameter("ResourcePatchFailedCount")).as("nothing failed").isNull();
      Bundle placeholders = own.client().history().onInstance(missing).returnBundle(Bundle.class).execute();
      assertThat(placeholders.getEntry()).as("one placeholder, written once").hasSize(1);
      assertThat(placeholders.getEntryFirstRep().getResource().getMeta().getVersionId()).isEqualTo("1");
      own.lastChange(); // numbers the job's writes
      Bundle changes = own.client().loadPage().byUrl(own.baseUrl() + "/$changes?since=" + start)
          .andReturnBundle(Bundle.class).execute();
      List<String> changed = changes.getEntry().stream().map(BundleEntryComponent::getFullUrl).toList();
      assertThat(changed).as("one change per version").filteredOn(url -> url.endsWith("/" + missing)).hasSize(1);
    }
  }

  @Test
  void aJobThatOutlivedTheChangesKeptFailsSayingSo() throws Exception {
    try (TestServer own = TestServer.start(ServerConfig.defaults())) {
      for (int i = 0; i < 3; i++) {
        own.client().create().resource(patient(true, "Pruned")).execute();
      }
      own.lastChange();
      Thread.sleep(5);
      own.store().pruneChanges(Duration.ofMillis(1)); // all but the newest
      BulkUpdate.Request request = new BulkUpdate.Request(List.of("Patient"), Map.of(), own.fhir().jsonParser()
          .encodeResourceToString(patch("replace", "Patient.active", "valueBoolean", "false")), 0,
          own.baseUrl(), null);
      String job = own.store().jobs().submit(BulkUpdate.KIND, JobJson.write(request), null);

      HttpResponse<String> failed = poll(own, own.baseUrl() + "/_async/" + job);

      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.body()).contains("could not read the data as of its start");
    }
  }

  /**
   * A job that an older version began kept its counts in another shape ({@code updated}, {@code ignored},
   * {@code failed}), which this one cannot go on from: it fails saying so, instead of failing with an incident.
   */
  @Test
  void aJobAnOlderVersionBeganFailsSayingToStartItAgain() throws Exception {
    try (TestServer own = TestServer.start(ServerConfig.defaults())) {
      own.client().create().resource(patient(true, "Older")).execute();
      BulkUpdate.Request request = new BulkUpdate.Request(List.of("Patient"), Map.of(), own.fhir().jsonParser()
          .encodeResourceToString(patch("replace", "Patient.active", "valueBoolean", "false")), own.lastChange(),
          own.baseUrl(), null);
      String job = own.store().jobs().submit(BulkUpdate.KIND, JobJson.write(request), null);
      own.store().jobs().claim("old-node", Set.of(BulkUpdate.KIND), Duration.ofMillis(1));
      own.store().jobs().heartbeat(job, "old-node", 1, null, "{\"type\":0,\"after\":null,\"counts\":{\"updated\":"
          + "{\"Patient\":1},\"ignored\":{},\"failed\":{},\"issues\":[]}}", Duration.ofMillis(1));

      HttpResponse<String> failed = poll(own, own.baseUrl() + "/_async/" + job);

      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.body()).contains("started by an older version").contains("start it again")
          .doesNotContain("incident");
    }
  }

  private static PostgresStore store(Path dir) {
    return new PostgresStore(Database.open(DatabaseConfig.embedded(dir)), new Fhir(false).resourceTypes());
  }

  private Patient patient(Boolean active, String family) {
    Patient patient = new Patient();
    if (active != null) {
      patient.setActive(active);
    }
    patient.addName().setFamily(family);
    patient.getMeta().addTag(TAGS, tag, null);
    return patient;
  }

  private static String create(Patient patient) {
    return client.create().resource(patient).execute().getId().getIdPart();
  }

  private static Patient read(String id) {
    return client.read().resource(Patient.class).withId(id).execute();
  }

  private static int versions(String id) {
    return client.history().onInstance("Patient/" + id).returnBundle(Bundle.class).execute().getEntry().size();
  }

  /** The resources the change feed lists after {@code since}. */
  private static List<String> changes(long since) {
    Bundle page = client.loadPage().byUrl(server.baseUrl() + "/$changes?since=" + since).andReturnBundle(Bundle.class)
        .execute();
    return page.getEntry().stream().map(BundleEntryComponent::getRequest).map(r -> r.getUrl()).toList();
  }

  /** A FHIRPath Patch of one operation, its value of type {@code valueType} written as JSON {@code value}. */
  private static Parameters patch(String type, String path, String valueType, String value) {
    String json = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
        + "{\"name\":\"type\",\"valueCode\":\"" + type + "\"},{\"name\":\"path\",\"valueString\":\"" + path + "\"},"
        + "{\"name\":\"value\",\"" + valueType + "\":" + json(valueType, value) + "}]}]}";
    return (Parameters) new Fhir(false).jsonParser().parseResource(json);
  }

  /** A patch value as JSON: a boolean, a reference to {@code value}, or a string. */
  private static String json(String valueType, String value) {
    return switch (valueType) {
      case "valueBoolean" -> value;
      case "valueReference" -> "{\"reference\":\"" + value + "\"}";
      default -> "\"" + value + "\"";
    };
  }

  private HttpResponse<String> kickOff(TestServer on, String path, Parameters patch) throws Exception {
    String body = on.fhir().jsonParser().encodeResourceToString(patch);
    return http.send(request(on, path).header("Prefer", "respond-async")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(TestServer on, String path) {
    return HttpRequest.newBuilder(URI.create(on.baseUrl() + path)).header("Content-Type", "application/fhir+json");
  }

  private HttpResponse<String> poll(HttpResponse<String> started) throws Exception {
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return poll(server, started.headers().firstValue("Content-Location").orElseThrow());
  }

  private HttpResponse<String> poll(TestServer on, String status) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < end) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(status)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) {
        return response;
      }
      assertThat(response.headers().firstValue("X-Progress")).isPresent();
      Thread.sleep(50);
    }
    throw new AssertionError(status + " did not end within two minutes on " + on.baseUrl());
  }

  private static Parameters parameters(HttpResponse<String> response) {
    return (Parameters) server.fhir().jsonParser().parseResource(response.body());
  }

  private static int count(Parameters counts, String name, String type) {
    ParametersParameterComponent parameter = counts.getParameter(name);
    assertThat(parameter).as(name + " in " + server.fhir().jsonParser().encodeResourceToString(counts)).isNotNull();
    return parameter.getPart().stream().filter(part -> part.getName().equals(type))
        .mapToInt(part -> ((org.hl7.fhir.r4.model.IntegerType) part.getValue()).getValue()).findFirst().orElse(0);
  }
}
