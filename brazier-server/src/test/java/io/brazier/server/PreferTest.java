package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class PreferTest {
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"active\":true}";

  private final Http http = TestServer.shared().http();

  @Test
  void returnMinimalAnswersOnlyTheHeaders() {
    Http.Response response = http.post("/fhir/Patient", PATIENT, "Prefer", "return=minimal");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.bytes()).isEmpty();
    assertThat(response.header("Location")).isPresent();
    assertThat(response.header("ETag")).hasValue("W/\"1\"");
  }

  @Test
  void returnRepresentationAnswersTheStoredResource() {
    Http.Response response = http.post("/fhir/Patient", PATIENT, "Prefer", "return=representation");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.resource(Patient.class).getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void returnOperationOutcomeAnswersWhatWasDone() {
    Http.Response response = http.post("/fhir/Patient", PATIENT, "Prefer", "return=OperationOutcome");

    assertThat(response.status()).isEqualTo(201);
    OperationOutcome outcome = response.resource(OperationOutcome.class);
    assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(IssueSeverity.INFORMATION);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("Created Patient/");
  }

  @Test
  void updatesHonourThePreferenceToo() {
    String id = http.post("/fhir/Patient", PATIENT).resource(Patient.class).getIdPart();
    String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"active\":false}";

    Http.Response minimal = http.put("/fhir/Patient/" + id, body, "Prefer", "return=minimal");
    Http.Response outcome = http.put("/fhir/Patient/" + id, body, "Prefer", "respond-async, return=OperationOutcome");

    assertThat(minimal.status()).isEqualTo(200);
    assertThat(minimal.bytes()).isEmpty();
    assertThat(outcome.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .isEqualTo("Updated Patient/" + id + " at version 3.");
  }

  @Test
  void anUnknownPreferenceAnswersTheRepresentation() {
    Http.Response response = http.post("/fhir/Patient", PATIENT, "Prefer", "return=everything");

    assertThat(response.resource(Patient.class).getActive()).isTrue();
  }

  @Test
  void theHeaderIsParsedOnceForEveryPreference() {
    Prefer prefer = Prefer.parse("respond-async, handling=strict; return=minimal");

    assertThat(prefer.respondAsync()).isTrue();
    assertThat(prefer.strict()).isTrue();
    assertThat(prefer.returns()).isEqualTo(Prefer.Return.MINIMAL);
  }

  @Test
  void nothingSaidIsRepresentationLenientAndSynchronous() {
    assertThat(Prefer.parse(null)).isEqualTo(Prefer.NONE);
    assertThat(Prefer.parse("wait=10")).isEqualTo(Prefer.NONE);
    assertThat(Prefer.NONE.returns()).isEqualTo(Prefer.Return.REPRESENTATION);
    assertThat(Prefer.NONE.strict()).isFalse();
  }

  @Test
  void theFirstOfRepeatedPreferencesWins() {
    Prefer prefer = Prefer.parse("handling=lenient, handling=strict, return=OperationOutcome, return=minimal");

    assertThat(prefer.strict()).isFalse();
    assertThat(prefer.returns()).isEqualTo(Prefer.Return.OPERATION_OUTCOME);
  }
}
