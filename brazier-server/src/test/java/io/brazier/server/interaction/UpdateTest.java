package io.brazier.server.interaction;

import static io.brazier.server.interaction.CreateTest.patient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.testkit.Parallel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class UpdateTest {
  private static final String SYSTEM = "urn:brazier:test:create";

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void updateWritesTheNextVersion() {
    Patient patient = created("Before");
    patient.getNameFirstRep().setFamily("After");

    MethodOutcome outcome = client.update().resource(patient).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(200);
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("2");
    Patient read = client.read().resource(Patient.class).withId(patient.getIdPart()).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("After");
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void updateOfAnUnknownIdCreatesTheResourceWithThatId() {
    String id = "client-" + UUID.randomUUID();

    Http.Response response = http.put("/fhir/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Location")).hasValue(server.baseUrl() + "/Patient/" + id + "/_history/1");
    assertThat(response.resource(Patient.class).getIdPart()).isEqualTo(id);
  }

  @Test
  void updateOfADeletedResourceBringsItBackAsTheNextVersion() {
    Patient patient = created("Lazarus");
    client.delete().resourceById(patient.getIdElement().toVersionless()).execute();
    patient.setIdElement(patient.getIdElement().toVersionless());

    MethodOutcome outcome = client.update().resource(patient).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(201);
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("3");
  }

  @Test
  void updateIgnoresTheMetaVersionAndTimeInTheBody() {
    Patient patient = created("Meta");
    String body = "{\"resourceType\":\"Patient\",\"id\":\"" + patient.getIdPart() + "\","
        + "\"meta\":{\"versionId\":\"99\",\"lastUpdated\":\"2001-01-01T00:00:00Z\"}}";

    Patient updated = http.put("/fhir/Patient/" + patient.getIdPart(), body).resource(Patient.class);

    assertThat(updated.getMeta().getVersionId()).isEqualTo("2");
    assertThat(updated.getMeta().getLastUpdated()).isAfter(patient.getMeta().getLastUpdated());
  }

  @Test
  void anIdInTheBodyThatDiffersFromTheUrlIsRefused() {
    Patient patient = created("Mismatch");

    http.refused(400, "PUT", "/fhir/Patient/" + patient.getIdPart(), "{\"resourceType\":\"Patient\",\"id\":\"other\"}");
  }

  @Test
  void aBodyWithoutAnIdIsRefused() {
    Patient patient = created("NoId");

    http.refused(400, "PUT", "/fhir/Patient/" + patient.getIdPart(), "{\"resourceType\":\"Patient\"}");
  }

  @Test
  void aBodyOfAnotherTypeThanTheUrlIsRefused() {
    Patient patient = created("OtherType");

    http.refused(400, "PUT", "/fhir/Patient/" + patient.getIdPart(),
        "{\"resourceType\":\"Group\",\"id\":\"" + patient.getIdPart() + "\",\"type\":\"person\",\"actual\":true}");
  }

  @Test
  void anInvalidIdIsRefused() {
    String tooLong = "a".repeat(65);

    http.refused(400, "PUT", "/fhir/Patient/" + tooLong, "{\"resourceType\":\"Patient\",\"id\":\"" + tooLong + "\"}");
    http.refused(400, "PUT", "/fhir/Patient/bad!id", "{\"resourceType\":\"Patient\",\"id\":\"bad!id\"}");
  }

  @Test
  void invalidContentIsRefusedAndTheCurrentVersionStays() {
    Patient patient = created("Stays");
    String path = "/fhir/Patient/" + patient.getIdPart();

    http.refused(400, "PUT", path, "{\"resourceType\":\"Patient\",\"id\":\"" + patient.getIdPart() + "\",\"x\":1}");
    http.refused(400, "PUT", path, "{\"resourceType\":\"Patient\",\"id\":");

    assertThat(client.read().resource(Patient.class).withId(patient.getIdPart()).execute().getMeta().getVersionId())
        .isEqualTo("1");
  }

  @Test
  void anUpdateMissingARequiredElementIsRefusedAndNothingIsWritten() {
    String id = "required-" + UUID.randomUUID();

    OperationOutcome outcome = http.refused(400, "PUT", "/fhir/Observation/" + id,
        "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"code\":{\"text\":\"weight\"}}");

    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Observation.status");
    assertThat(http.get("/fhir/Observation/" + id).status()).isEqualTo(404);
  }

  @Test
  void ifMatchOnTheCurrentVersionUpdates() {
    Patient patient = created("Locked");

    Http.Response response = http.put("/fhir/Patient/" + patient.getIdPart(), body(patient), "If-Match", "W/\"1\"");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("ETag")).hasValue("W/\"2\"");
  }

  @Test
  void ifMatchOnAnOlderVersionIsAPreconditionFailure() {
    Patient patient = created("Stale");
    client.update().resource(patient).execute();

    http.refused(412, "PUT", "/fhir/Patient/" + patient.getIdPart(), body(patient), "If-Match", "W/\"1\"");
  }

  @Test
  void ifMatchOnAnUnknownResourceIsAPreconditionFailure() {
    http.refused(412, "PUT", "/fhir/Patient/never-was", "{\"resourceType\":\"Patient\",\"id\":\"never-was\"}",
        "If-Match", "W/\"1\"");
  }

  @Test
  void ifMatchAnyUpdatesAnExistingResourceAndNeverCreatesOne() {
    Patient patient = created("Anything");
    Patient gone = created("Gone");
    client.delete().resourceById(gone.getIdElement().toVersionless()).execute();

    Http.Response existing = http.put("/fhir/Patient/" + patient.getIdPart(), body(patient), "If-Match", "*");

    assertThat(existing.status()).isEqualTo(200);
    assertThat(existing.header("ETag")).hasValue("W/\"2\"");
    http.refused(412, "PUT", "/fhir/Patient/never-was", "{\"resourceType\":\"Patient\",\"id\":\"never-was\"}",
        "If-Match", "*");
    http.refused(412, "PUT", "/fhir/Patient/" + gone.getIdPart(), body(gone), "If-Match", "*");
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId("never-was").execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void ifNoneMatchAnyCreatesWhatDoesNotExistAndLeavesWhatDoesAlone() {
    Patient taken = created("Taken");
    String fresh = "fresh-" + UUID.randomUUID();

    http.refused(412, "PUT", "/fhir/Patient/" + taken.getIdPart(), body(taken), "If-None-Match", "*");
    http.refused(412, "PUT", "/fhir/Patient/" + taken.getIdPart(), body(taken), "If-None-Match", "W/\"1\"");
    Http.Response created = http.put("/fhir/Patient/" + fresh, "{\"resourceType\":\"Patient\",\"id\":\"" + fresh
        + "\"}", "If-None-Match", "*");

    assertThat(created.status()).isEqualTo(201);
    assertThat(client.read().resource(Patient.class).withId(taken.getIdPart()).execute().getMeta().getVersionId())
        .isEqualTo("1");
  }

  @Test
  void anIfMatchThatIsNoVersionIsRefused() {
    Patient patient = created("Garbled");

    http.refused(400, "PUT", "/fhir/Patient/" + patient.getIdPart(), body(patient), "If-Match", "W/\"one\"");
  }

  @Test
  void theHapiClientSendsIfMatchFromTheResourceVersion() {
    Patient patient = created("Client");
    client.update().resource(patient).execute();

    assertThatThrownBy(() -> client.update().resource(patient).withId(patient.getIdElement()).execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void conditionalUpdateWithoutAMatchCreates() {
    String value = UUID.randomUUID().toString();

    MethodOutcome outcome = client.update().resource(patient("New", value))
        .conditional().where(Patient.IDENTIFIER.exactly().systemAndIdentifier(SYSTEM, value)).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(201);
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("1");
  }

  @Test
  void conditionalUpdateWithoutAMatchAndWithAnIdCreatesThatId() {
    String value = UUID.randomUUID().toString();
    String id = "cond-" + value;
    Patient patient = patient("New", value);
    patient.setId(id);

    Http.Response response = http.put("/fhir/Patient?identifier=" + SYSTEM + "%7C" + value, body(patient));

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.resource(Patient.class).getIdPart()).isEqualTo(id);
  }

  @Test
  void conditionalUpdateWithOneMatchUpdatesIt() {
    String value = UUID.randomUUID().toString();
    String id = client.create().resource(patient("Old", value)).execute().getId().getIdPart();

    MethodOutcome outcome = client.update().resource(patient("New", value))
        .conditional().where(Patient.IDENTIFIER.exactly().systemAndIdentifier(SYSTEM, value)).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(200);
    assertThat(outcome.getId().getIdPart()).isEqualTo(id);
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("2");
  }

  @Test
  void conditionalUpdateByIdUpdatesThatResource() {
    Patient patient = created("ById");

    Http.Response response = http.put("/fhir/Patient?_id=" + patient.getIdPart(), "{\"resourceType\":\"Patient\"}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.resource(Patient.class).getIdPart()).isEqualTo(patient.getIdPart());
  }

  @Test
  void conditionalUpdateWithManyMatchesIsAPreconditionFailure() {
    String value = UUID.randomUUID().toString();
    client.create().resource(patient("One", value)).execute();
    client.create().resource(patient("Two", value)).execute();

    http.refused(412, "PUT", "/fhir/Patient?identifier=" + SYSTEM + "%7C" + value, body(patient("Three", value)));
  }

  @Test
  void conditionalUpdateWhoseBodyNamesAnotherIdThanTheMatchIsRefused() {
    Patient match = created("Match");

    http.refused(400, "PUT", "/fhir/Patient?_id=" + match.getIdPart(), "{\"resourceType\":\"Patient\",\"id\":\"x\"}");
  }

  @Test
  void anUpdateWithoutIdOrCriteriaIsRefused() {
    http.refused(400, "PUT", "/fhir/Patient", "{\"resourceType\":\"Patient\"}");
  }

  @Test
  void concurrentUpdatesWithIfMatchLetExactlyOneWinEachVersion() throws Exception {
    Patient patient = created("Race");
    String path = "/fhir/Patient/" + patient.getIdPart();
    int threads = 8;

    for (int version = 1; version <= 5; version++) {
      String ifMatch = "W/\"" + version + "\"";
      server.overlap().reset();

      List<Integer> statuses = Parallel.run(threads, 1, (thread, i) ->
          http.put(path, body(patient), "If-Match", ifMatch).status()).results();

      assertThat(server.overlap().mostAtOnce()).as("updates the server ran at once").isGreaterThan(1);
      assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
      assertThat(statuses).filteredOn(status -> status == 412).hasSize(threads - 1);
    }
    assertThat(client.read().resource(Patient.class).withId(patient.getIdPart()).execute().getMeta().getVersionId())
        .isEqualTo("6");
  }

  @Test
  void concurrentUpdatesWithoutIfMatchAllLandAndNoneIsLost() throws Exception {
    Patient patient = created("Crowd");
    String path = "/fhir/Patient/" + patient.getIdPart();
    int threads = 16;
    int updates = 8;
    server.overlap().reset();

    List<Integer> statuses = Parallel.run(threads, updates, (thread, i) -> {
      Patient next = patient.copy();
      next.getNameFirstRep().setFamily("t" + thread + "-" + i);
      return http.put(path, body(next)).status();
    }).results();

    assertThat(server.overlap().mostAtOnce()).as("updates the server ran at once").isGreaterThan(1);
    assertThat(statuses).containsOnly(200).hasSize(threads * updates);
    int last = 1 + threads * updates;
    assertThat(client.read().resource(Patient.class).withId(patient.getIdPart()).execute().getMeta().getVersionId())
        .isEqualTo(Integer.toString(last));
    Set<String> families = new HashSet<>();
    for (int version = 2; version <= last; version++) {
      families.add(client.read().resource(Patient.class).withIdAndVersion(patient.getIdPart(),
          Integer.toString(version)).execute().getNameFirstRep().getFamily());
    }
    assertThat(families).hasSize(threads * updates);
  }

  @Test
  void concurrentUpdatesThroughTwoServersOnOneDatabaseAllLand() throws Exception {
    Patient patient = created("TwoNodes");
    String path = "/fhir/Patient/" + patient.getIdPart();
    int threads = 12;
    int updates = 4;

    try (TestServer other = TestServer.onSharedStore(ServerConfig.defaults())) {
      List<Http> nodes = List.of(http, other.http());
      server.overlap().reset();

      List<Integer> statuses = Parallel.run(threads, updates, (thread, i) ->
          nodes.get(thread % 2).put(path, body(patient)).status()).results();

      assertThat(server.overlap().mostAtOnce()).as("updates the first server ran at once").isGreaterThan(1);
      assertThat(other.overlap().mostAtOnce()).as("updates the second server ran at once").isGreaterThan(1);
      assertThat(statuses).containsOnly(200).hasSize(threads * updates);
    }
    assertThat(client.read().resource(Patient.class).withId(patient.getIdPart()).execute().getMeta().getVersionId())
        .isEqualTo(Integer.toString(1 + threads * updates));
  }

  private Patient created(String family) {
    MethodOutcome outcome = client.create().resource(patient(family, UUID.randomUUID().toString())).execute();
    return client.read().resource(Patient.class).withId(outcome.getId().getIdPart()).execute();
  }

  private String body(Patient patient) {
    return server.fhir().jsonParser().encodeResourceToString(patient);
  }
}
