package io.brazier.server.interaction;

import static io.brazier.server.interaction.CreateTest.patient;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class VReadTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void everyVersionReadsBackAsItWasWritten() {
    Patient patient = patient("First", "v");
    String id = client.create().resource(patient).execute().getId().getIdPart();
    patient.setId(id);
    patient.getNameFirstRep().setFamily("Second");
    client.update().resource(patient).execute();

    Patient first = client.read().resource(Patient.class).withIdAndVersion(id, "1").execute();
    Patient second = client.read().resource(Patient.class).withIdAndVersion(id, "2").execute();

    assertThat(first.getNameFirstRep().getFamily()).isEqualTo("First");
    assertThat(first.getMeta().getVersionId()).isEqualTo("1");
    assertThat(second.getNameFirstRep().getFamily()).isEqualTo("Second");
  }

  @Test
  void aVersionAnswersWithItsEtagAndLastModified() {
    String id = client.create().resource(patient("Headers", "h")).execute().getId().getIdPart();

    Http.Response response = http.get("/fhir/Patient/" + id + "/_history/1");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("ETag")).hasValue("W/\"1\"");
    assertThat(response.header("Last-Modified")).isPresent();
  }

  @Test
  void theDeletedVersionIsGoneAndTheOneBeforeStays() {
    String id = client.create().resource(patient("Deleted", "d")).execute().getId().getIdPart();
    client.delete().resourceById("Patient", id).execute();

    http.refused(410, "GET", "/fhir/Patient/" + id + "/_history/2", (byte[]) null);
    assertThat(http.get("/fhir/Patient/" + id + "/_history/1").status()).isEqualTo(200);
  }

  @Test
  void anUnknownVersionIsNotFound() {
    String id = client.create().resource(patient("Once", "o")).execute().getId().getIdPart();

    http.refused(404, "GET", "/fhir/Patient/" + id + "/_history/2", (byte[]) null);
    http.refused(404, "GET", "/fhir/Patient/" + id + "/_history/first", (byte[]) null);
    http.refused(404, "GET", "/fhir/Patient/never-was/_history/1", (byte[]) null);
  }

  @Test
  void aVersionCannotBeWritten() {
    String id = client.create().resource(patient("Fixed", "f")).execute().getId().getIdPart();

    http.refused(405, "PUT", "/fhir/Patient/" + id + "/_history/1", "{\"resourceType\":\"Patient\"}");
    http.refused(405, "DELETE", "/fhir/Patient/" + id + "/_history/1", (byte[]) null);
  }
}
