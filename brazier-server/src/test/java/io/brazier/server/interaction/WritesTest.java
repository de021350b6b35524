package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.UUID;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class WritesTest {
  private final TestServer server = TestServer.shared();

  @Test
  void aJsonBodyIsStoredAsSentWithTheServersIdAndMetaFirst() {
    Http.Response created = server.http().post("/fhir/Observation", """
        {"resourceType": "Observation", "id": "ignored", "meta": {"profile": ["http://example.org/p"],
         "versionId": "9"}, "status": "final", "code": {"text": "weight"},
         "valueQuantity": {"value": 72.50, "unit": "kg"}}""");

    String location = created.header("Location").orElseThrow();
    String id = location.split("/Observation/")[1].split("/")[0];
    String stored = server.http().get("/fhir/Observation/" + id).body();
    assertThat(created.status()).isEqualTo(201);
    assertThat(stored).startsWith("{\"resourceType\":\"Observation\",\"id\":\"" + id
        + "\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"");
    assertThat(stored).contains("\"profile\":[\"http://example.org/p\"]").contains("\"value\":72.50");
  }

  @Test
  void aMetaThatIsNoJsonObjectIsRefusedRatherThanDropped() {
    String id = UUID.randomUUID().toString();

    var string = server.http().refused(400, "PUT", "/fhir/Patient/" + id,
        "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":\"x\"}");
    var array = server.http().refused(400, "POST", "/fhir/Patient",
        "{\"resourceType\":\"Patient\",\"meta\":[{\"tag\":[{\"code\":\"t\"}]}]}");

    assertThat(string.getIssueFirstRep().getDiagnostics()).isEqualTo("meta is a JSON object, not the string \"x\".");
    assertThat(array.getIssueFirstRep().getDiagnostics())
        .isEqualTo("meta is a JSON object, not the array [{\"tag\":[{\"code\":\"t\"}]}].");
  }

  @Test
  void aResourceOfMoreSearchIndexEntriesThanTheMostFailsAloneWith422NamingTheFlag() {
    String most = "The resource has more than 40 search index entries, the most one resource may have"
        + " (--max-index-entries).";
    try (TestServer limited = TestServer.onSharedStore(ServerConfig.builder().maxIndexEntries(40).build())) {
      IGenericClient client = limited.client();
      String id = "many-" + UUID.randomUUID();

      assertThatThrownBy(() -> client.create().resource(patient(50)).execute())
          .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(diagnostics(e)).isEqualTo(most));
      assertThatThrownBy(() -> client.update().resource(patient(50).setId(id)).execute())
          .isInstanceOf(UnprocessableEntityException.class);
      Bundle batch = new Bundle().setType(BundleType.BATCH);
      batch.addEntry().setResource(patient(50)).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
      batch.addEntry().setResource(patient(2)).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
      Bundle answers = client.transaction().withBundle(batch).execute();

      assertThat(answers.getEntry()).extracting(entry -> entry.getResponse().getStatus())
          .containsExactly("422 Unprocessable Entity", "201 Created");
      assertThat(((OperationOutcome) answers.getEntry().get(0).getResponse().getOutcome()).getIssueFirstRep()
          .getDiagnostics()).isEqualTo("Bundle.entry[0]: " + most);
      assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute()).as("nothing written")
          .isInstanceOf(ResourceNotFoundException.class);
    }
  }

  /** A Patient of {@code names} names, each of one given name: entries of given and of name at least. */
  private static Patient patient(int names) {
    Patient patient = new Patient();
    IntStream.range(0, names).forEach(n -> patient.addName().addGiven("Many" + n));
    return patient;
  }

  private static String diagnostics(UnprocessableEntityException e) {
    return ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics();
  }
}
