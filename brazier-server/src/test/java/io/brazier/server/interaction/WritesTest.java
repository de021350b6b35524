package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.UUID;
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
}
