package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The route table: which interaction answers each method and path of the FHIR RESTful API, and the OperationOutcome
 * of a path it does not serve (404 for a type it does not know or a path no method takes, 405 with Allow for a method
 * the path does not take, 400 for an id that is not one).
 * https://hl7.org/fhir/R4/http.html
 */
class RoutesTest {
  private final TestServer server = TestServer.shared();
  private final Http http = server.http();
  private final String patient = http.post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"active\":true}")
      .header("Location").map(location -> location.replaceAll(".*/Patient/([^/]+)/_history/.*", "$1"))
      .orElseThrow();

  @Test
  void theInstanceTypeAndSystemLevelsAnswerWithTheirInteractions() {
    assertThat(http.get("/fhir/Patient/" + patient).resource(Patient.class).getActive()).isTrue();
    assertThat(http.get("/fhir/Patient/" + patient + "/_history/1").resource(Patient.class).getActive()).isTrue();
    assertThat(bundle("/fhir/Patient/" + patient + "/_history").getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(bundle("/fhir/Patient?_id=" + patient).getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(bundle("/fhir/Patient/_history?_count=1").getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(bundle("/fhir/_history?_count=1").getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(bundle("/fhir?_type=Patient&_id=" + patient).getTotal()).isEqualTo(1);
    assertThat(http.get("/fhir/metadata").resource(CapabilityStatement.class).getFhirVersion().toCode())
        .isEqualTo("4.0.1");
  }

  @Test
  void searchesArePostedToSearchAsAForm() {
    Http.Response type = http.send("POST", "/fhir/Patient/_search", ("_id=" + patient).getBytes(),
        "Content-Type", "application/x-www-form-urlencoded");
    Http.Response system = http.send("POST", "/fhir/_search", ("_type=Patient&_id=" + patient).getBytes(),
        "Content-Type", "application/x-www-form-urlencoded");

    assertThat(type.resource(Bundle.class).getTotal()).isEqualTo(1);
    assertThat(system.resource(Bundle.class).getTotal()).isEqualTo(1);
  }

  @Test
  void aCompartmentIsSearchedBelowItsOwner() {
    String observation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
        + "\"subject\":{\"reference\":\"Patient/" + patient + "\"}}";
    assertThat(http.post("/fhir/Observation", observation).status()).isEqualTo(201);

    assertThat(bundle("/fhir/Patient/" + patient + "/Observation").getTotal()).isEqualTo(1);
    assertThat(bundle("/fhir/Patient/" + patient + "/*").getEntry())
        .anySatisfy(entry -> assertThat(entry.getResource().fhirType()).isEqualTo("Observation"));
  }

  @Test
  void headAnswersAsGetWithoutABody() {
    Http.Response head = http.send("HEAD", "/fhir/Patient/" + patient, null);

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("ETag")).hasValue("W/\"1\"");
    assertThat(head.bytes()).isEmpty();
  }

  @Test
  void aTypeTheServerDoesNotKnowIsNotFound() {
    http.refused(404, "GET", "/fhir/Spaceship/1", (byte[]) null);
    http.refused(404, "GET", "/fhir/patient", (byte[]) null);
    http.refused(404, "POST", "/fhir/Spaceship", "{\"resourceType\":\"Spaceship\"}");
  }

  @Test
  void aMethodAPathDoesNotTakeIsNotAllowedAndTheAnswerNamesTheMethodsItTakes() {
    assertThat(allowed("POST", "/fhir/Patient/" + patient)).isEqualTo("GET, HEAD, PUT, DELETE, PATCH");
    assertThat(allowed("DELETE", "/fhir/_history")).isEqualTo("GET, HEAD");
    assertThat(allowed("POST", "/fhir/Patient/" + patient + "/_history")).isEqualTo("GET, HEAD");
    assertThat(allowed("PUT", "/fhir/Patient/$validate")).isEqualTo("GET, HEAD, POST");
  }

  @Test
  void aPathNoMethodTakesIsNotFound() {
    assertThat(http.refused(404, "GET", "/fhir/Patient/$no-such-operation", (byte[]) null).getIssueFirstRep()
        .getDiagnostics()).contains("/Patient/$no-such-operation");
    http.refused(404, "POST", "/fhir/Patient/" + patient + "/$no-such-operation", "{}");
    http.refused(404, "GET", "/fhir/Patient/" + patient + "/_history/1/more", (byte[]) null);
    http.refused(404, "GET", "/fhir/Patient/_nothing", (byte[]) null);
  }

  @Test
  void anIdThatIsNotAFhirIdIsABadRequest() {
    http.refused(400, "GET", "/fhir/Patient/not%20an%20id", (byte[]) null);
    http.refused(400, "GET", "/fhir/Patient/" + "a".repeat(65), (byte[]) null);
  }

  /** The Allow header of the 405 that {@code method} on {@code path} answers (RFC 9110 section 15.5.6). */
  private String allowed(String method, String path) {
    Http.Response response = http.send(method, path, method.equals("POST") || method.equals("PUT") ? "{}".getBytes()
        : null, "Content-Type", "application/fhir+json");
    assertThat(response.status()).as(method + " " + path + ": " + response.body()).isEqualTo(405);
    return response.header("Allow").orElse("no Allow header");
  }

  private Bundle bundle(String path) {
    Http.Response response = http.get(path);
    assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
    return response.resource(Bundle.class);
  }
}
