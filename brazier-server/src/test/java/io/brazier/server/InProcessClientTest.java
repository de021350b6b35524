package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** The API as a client of this process answers what HTTP answers, bytes and headers, from the caller it names. */
class InProcessClientTest {
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/fhir+json");

  private final TestServer server = TestServer.shared();
  private final FhirClient loader = server.api().client(Caller.system("urn:test:loader"), server.baseUrl());

  @Test
  void aCreateAnswersAsHttpDoesAndItsVersionNamesTheCallersSource() throws Exception {
    FhirReply created = loader.send(new FhirCall("POST", "Patient", JSON,
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"InProcess\"}]}".getBytes(StandardCharsets.UTF_8)));

    assertThat(created.status()).isEqualTo(201);
    String location = created.header("Location").orElseThrow();
    assertThat(location).startsWith(server.baseUrl() + "/Patient/");
    assertThat(created.header("content-type")).contains("application/fhir+json");
    String id = location.split("/")[location.split("/").length - 3];
    Patient overHttp = server.client().read().resource(Patient.class).withId(id).execute();
    assertThat(overHttp.getMeta().getSource()).isEqualTo("urn:test:loader");
    assertThat(loader.get("Patient/" + id).text()).contains("\"family\":\"InProcess\"");
  }

  @Test
  void searchesTakeTheirQueryAsAUrlDoes() throws Exception {
    server.client().create().resource(new Patient().addIdentifier(new org.hl7.fhir.r4.model.Identifier()
        .setSystem("urn:in-process").setValue("a|b"))).execute();

    FhirReply found = loader.get("Patient?identifier=urn:in-process%7Ca%5C%7Cb&_summary=count");

    assertThat(found.status()).isEqualTo(200);
    assertThat(found.text()).contains("\"total\":1");
  }

  @Test
  void aRequestTheServerRefusesIsItsOperationOutcomeNeverAnException() throws Exception {
    FhirReply badAccept = loader.send(new FhirCall("GET", "Patient?_format=text/csv", Map.of(), null));
    FhirReply missing = loader.get("Patient/no-such-patient");

    assertThat(badAccept.status()).isBetween(400, 499);
    assertThat(badAccept.text()).contains("OperationOutcome");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.text()).contains("OperationOutcome");
    assertThat(loader.name()).isEqualTo(server.baseUrl());
  }
}
