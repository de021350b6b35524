package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.client.FhirReply;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The agent's JSON calls to a real Brazier over HTTP: an answer that is not a success, not JSON, or not there at
 * all is a SourceException that says which, with the status that tells the agent whether waiting may help.
 */
class RepliesTest {
  private static final String BASE = TestServer.shared().baseUrl();
  private final HttpFhirClient fhir = client(BASE);

  @Test
  void aSuccessfulAnswerIsItsJson() throws Exception {
    FhirReply reply = Replies.send(fhir, "metadata");

    assertThat(Replies.json(fhir, "metadata", reply).path("resourceType").asText()).isEqualTo("CapabilityStatement");
  }

  @Test
  void aRefusalIsASourceExceptionWithItsStatusAndTheServersDiagnostics() throws Exception {
    FhirReply reply = Replies.send(fhir, "Patient/no-such-patient-here");

    assertThatThrownBy(() -> Replies.json(fhir, "Patient/no-such-patient-here", reply))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
        })
        .hasMessageStartingWith("GET Patient/no-such-patient-here answered 404: ")
        .hasMessageContaining("no-such-patient-here");
  }

  @Test
  void anAnswerThatIsNotJsonIsASourceExceptionSayingSo() {
    FhirReply html = new FhirReply(200, Map.of("Content-Type", List.of("text/html")),
        "<html>proxy login</html>".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> Replies.json(fhir, "Patient", html))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.status()).isEqualTo(200))
        .hasMessageStartingWith("GET Patient answered what is not JSON");
  }

  @Test
  void aServerThatCannotBeReachedIsATransientFailureNamingIt() {
    String closed = ClosedPort.url("/fhir").toString();
    HttpFhirClient nowhere = client(closed);

    assertThatThrownBy(() -> Replies.send(nowhere, "metadata"))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.status()).isZero();
        })
        .hasMessageContaining(closed + " could not be reached");
  }

  private static HttpFhirClient client(String base) {
    return new HttpFhirClient(URI.create(base), Optional.empty(), Duration.ofSeconds(30));
  }
}
