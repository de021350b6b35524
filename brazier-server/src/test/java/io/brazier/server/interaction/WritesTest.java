package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class WritesTest {
  private final TestServer server = TestServer.shared();

  @Test
  void aJsonBodyIsStoredAsSentWithTheServersIdAndMetaFirst() throws IOException, InterruptedException {
    HttpResponse<String> created = Http.post(server.baseUrl() + "/Observation", """
        {"resourceType": "Observation", "id": "ignored", "meta": {"profile": ["http://example.org/p"],
         "versionId": "9"}, "status": "final", "code": {"text": "weight"},
         "valueQuantity": {"value": 72.50, "unit": "kg"}}""");

    String location = created.headers().firstValue("Location").orElseThrow();
    String stored = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String id = location.split("/Observation/")[1].split("/")[0];
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(stored).startsWith("{\"resourceType\":\"Observation\",\"id\":\"" + id
        + "\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"");
    assertThat(stored).contains("\"profile\":[\"http://example.org/p\"]").contains("\"value\":72.50");
  }
}
