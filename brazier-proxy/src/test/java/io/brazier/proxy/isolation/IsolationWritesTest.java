package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.FIRST;
import static io.brazier.proxy.isolation.TwoPatients.HTTP;
import static io.brazier.proxy.isolation.TwoPatients.SECOND;
import static io.brazier.proxy.isolation.TwoPatients.created;
import static io.brazier.proxy.isolation.TwoPatients.first;
import static io.brazier.proxy.isolation.TwoPatients.get;
import static io.brazier.proxy.isolation.TwoPatients.observation;
import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token in the first patient's context writes: within its compartment it may, but it can neither change the
 * second patient's data (404, as for what does not exist), nor store a resource outside its compartment or in
 * another one, nor learn of the second patient's data from conditional writes, references, batches or transactions.
 */
class IsolationWritesTest {
  private static final String PATIENT = TwoPatients.patientToken(FIRST, "patient/*.cruds");
  private static final String JSON_PATCH = "application/json-patch+json";
  private static String secondsObservation;
  private static String secondsEncounter;

  @BeforeAll
  static void load() {
    TwoPatients.load();
    secondsObservation = first("Observation?subject=Patient/" + SECOND);
    secondsEncounter = first("Encounter?patient=" + SECOND);
  }

  @Test
  void aResourceOfItsOwnCompartmentIsWritten() {
    Http.Response created = HTTP.post("/fhir/Observation", observation(FIRST, null, "8867-4"), "Authorization",
        PATIENT);

    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  @Test
  void aResourceOutsideItsCompartmentOrInAnotherOneIsNotStored() {
    String mine = mine();

    for (String body : List.of(observation(SECOND, null, "8867-4"), observation(FIRST, "Patient/" + SECOND, "8867-4"),
        "{\"resourceType\":\"Patient\"}", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":"
            + "{\"text\":\"nobody's\"}}")) {
      String type = body.contains("\"Patient\"}") ? "Patient" : "Observation";
      HTTP.refused(403, "POST", "/fhir/" + type, body, "Authorization", PATIENT);
    }
    HTTP.refused(403, "PUT", "/fhir/Observation/" + mine, withId(observation(SECOND, null, "8867-4"), mine),
        "Authorization", PATIENT);
    HTTP.refused(403, "PATCH", "/fhir/Observation/" + mine, "[{\"op\":\"replace\",\"path\":\"/subject/reference\","
        + "\"value\":\"Patient/" + SECOND + "\"}]", "Authorization", PATIENT, "Content-Type", JSON_PATCH);
    assertThat(reference(mine)).isEqualTo("Patient/" + FIRST);
  }

  @Test
  void theOtherPatientsDataCannotBeChangedAsIfItDidNotExist() {
    String body = withId(observation(FIRST, null, "8867-4"), secondsObservation);

    HTTP.refused(404, "PUT", "/fhir/Observation/" + secondsObservation, body, "Authorization", PATIENT);
    HTTP.refused(404, "PATCH", "/fhir/Observation/" + secondsObservation, "[{\"op\":\"replace\",\"path\":"
        + "\"/status\",\"value\":\"amended\"}]", "Authorization", PATIENT, "Content-Type", JSON_PATCH);
    HTTP.refused(404, "DELETE", "/fhir/Observation/" + secondsObservation, (byte[]) null, "Authorization", PATIENT);

    assertThat(reference(secondsObservation)).isEqualTo("Patient/" + SECOND);
  }

  @Test
  void aReferenceToTheOtherPatientsDataNamesNothing() {
    String body = observation(FIRST, null, "8867-4").replace("}}", "}, \"encounter\": {\"reference\": \"Encounter/%s\"}}");

    OperationOutcome outside = HTTP.refused(400, "POST", "/fhir/Observation", body.formatted(secondsEncounter),
        "Authorization", PATIENT);
    OperationOutcome nothing = HTTP.refused(400, "POST", "/fhir/Observation", body.formatted("no-such"),
        "Authorization", PATIENT);

    assertThat(outside.getIssueFirstRep().getDiagnostics().replace(secondsEncounter, "ID"))
        .isEqualTo(nothing.getIssueFirstRep().getDiagnostics().replace("no-such", "ID"));
    assertThat(HTTP.post("/fhir/Observation", body.formatted(secondsEncounter), "Authorization", ADMINISTRATOR)
        .status()).isEqualTo(201);
  }

  @Test
  void conditionalWritesMatchOnlyInsideItsCompartment() {
    String code = "iso-" + UUID.randomUUID();
    created("Observation", observation(SECOND, null, code));
    created("Observation", observation(SECOND, null, code));
    assertThat(HTTP.put("/fhir/Observation?code=" + code, observation(FIRST, null, code), "Authorization",
        ADMINISTRATOR).status()).as("matches two").isEqualTo(412);

    Http.Response ifNoneExist = HTTP.post("/fhir/Observation", observation(FIRST, null, code), "Authorization",
        PATIENT, "If-None-Exist", "code=" + code);
    Http.Response update = HTTP.put("/fhir/Observation?code=" + code + "&subject=Patient/" + FIRST,
        observation(FIRST, null, code), "Authorization", PATIENT);
    Http.Response updateAny = HTTP.put("/fhir/Observation?code=" + code, observation(FIRST, null, code),
        "Authorization", PATIENT);
    Http.Response delete = HTTP.send("DELETE", "/fhir/Observation?code=" + code, null, "Authorization", PATIENT);

    assertThat(ifNoneExist.status()).as("nothing matched inside, so created").isEqualTo(201);
    assertThat(update.status()).as("the one inside updated").isEqualTo(200);
    assertThat(updateAny.status()).as("still the one inside, not a 412").isEqualTo(200);
    assertThat(delete.status()).isEqualTo(204);
    assertThat(get("/fhir/Observation?code=" + code, ADMINISTRATOR).getTotal()).as("the second's two stay")
        .isEqualTo(2);
  }

  @Test
  void eachEntryOfABatchIsKeptToItsCompartment() {
    String mine = mine();
    String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + read("Observation/" + secondsObservation) + "," + read("Observation?subject=Patient/" + SECOND) + ","
        + "{\"resource\":" + withId(observation(FIRST, null, "8867-4"), secondsObservation) + ",\"request\":"
        + "{\"method\":\"PUT\",\"url\":\"Observation/" + secondsObservation + "\"}},"
        + "{\"resource\":" + observation(SECOND, null, "8867-4") + ",\"request\":{\"method\":\"POST\",\"url\":"
        + "\"Observation\"}}," + read("Observation/" + mine) + "]}";

    Http.Response response = HTTP.post("/fhir", batch, "Authorization", PATIENT);

    assertThat(response.status()).isEqualTo(200);
    List<BundleEntryComponent> entries = response.resource(Bundle.class).getEntry();
    assertThat(entries).extracting(entry -> entry.getResponse().getStatus().substring(0, 3))
        .containsExactly("404", "200", "404", "403", "200");
    assertThat(reference(secondsObservation)).isEqualTo("Patient/" + SECOND);
  }

  @Test
  void aTransactionWithAnEntryOutsideItsCompartmentWritesNothing() {
    String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"resource\":" + observation(FIRST, null, "8867-4") + ",\"request\":{\"method\":\"POST\",\"url\":"
        + "\"Observation\"}},{\"resource\":" + observation(SECOND, null, "8867-4") + ",\"request\":{\"method\":"
        + "\"POST\",\"url\":\"Observation\"}}]}";

    String deleting = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"resource\":" + observation(FIRST, null, "8867-4") + ",\"request\":{\"method\":\"POST\",\"url\":"
        + "\"Observation\"}},{\"request\":{\"method\":\"DELETE\",\"url\":\"Observation/" + secondsObservation
        + "\"}}]}";

    HTTP.refused(403, "POST", "/fhir", transaction, "Authorization", PATIENT);
    HTTP.refused(404, "POST", "/fhir", deleting, "Authorization", PATIENT);
    assertThat(reference(secondsObservation)).isEqualTo("Patient/" + SECOND);
  }

  private static String mine() {
    return created("Observation", observation(FIRST, null, "8867-4"));
  }

  private static String read(String url) {
    return "{\"request\":{\"method\":\"GET\",\"url\":\"" + url + "\"}}";
  }

  private static String withId(String json, String id) {
    return json.replace("{\"resourceType\":\"Observation\",", "{\"resourceType\":\"Observation\",\"id\":\"" + id
        + "\",");
  }

  /** The subject of an Observation, as an Administrator reads it now. */
  private static String reference(String observation) {
    return HTTP.get("/fhir/Observation/" + observation, "Authorization", ADMINISTRATOR).resource(Observation.class)
        .getSubject().getReference();
  }
}
