package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

/**
 * Requests Jetty refuses before any route sees them, sent as raw bytes no HTTP client would send: each is answered
 * with its status and an OperationOutcome in JSON that says why, never Jetty's HTML page, and the server goes on.
 */
class ProtocolErrorsTest {
  private final TestServer server = TestServer.shared();
  private final Http http = server.http();

  @Test
  void aMalformedPercentEncodingInThePathIsABadRequest() {
    OperationOutcome outcome = refused(400, "GET /fhir/Patient/%ZZ HTTP/1.1\r\nHost: x\r\n");

    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.INVALID);
  }

  @Test
  void aControlCharacterInAHeaderIsABadRequest() {
    refused(400, "GET /fhir/Patient/1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\u0001b\r\n");
  }

  @Test
  void aRequestWithoutItsHostHeaderIsABadRequest() {
    refused(400, "GET /fhir/metadata HTTP/1.1\r\n");
  }

  @Test
  void headersLargerThanTheServerReadsAreRefusedAsTooLarge() {
    refused(431, "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(64 * 1024) + "\r\n");
  }

  @Test
  void aPathLongerThanTheServerReadsIsRefusedAsTooLong() {
    refused(414, "GET /fhir/Patient?name=" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: x\r\n");
  }

  @Test
  void anH2cUpgradeWithoutItsSettingsIsABadRequest() {
    OperationOutcome outcome = refused(400, "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("h2c");
  }

  @Test
  void theServerAnswersNormallyAfterRefusals() {
    refused(400, "GET /fhir/Patient/%ZZ HTTP/1.1\r\nHost: x\r\n");

    assertThat(http.get("/fhir/metadata").status()).isEqualTo(200);
  }

  /** Sends the request (closing the connection after it) and checks the refusal: status, type and outcome. */
  private OperationOutcome refused(int status, String request) {
    long before = server.lastChange();

    String response = http.raw(request + "Connection: close\r\n\r\n");

    assertThat(response).as(response).startsWith("HTTP/1.1 " + status + " ");
    String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase();
    assertThat(head).contains("content-type: application/fhir+json");
    String json = response.substring(response.indexOf('{'), response.lastIndexOf('}') + 1);
    OperationOutcome outcome = server.fhir().jsonParser().parseResource(OperationOutcome.class, json);
    assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.INVALID);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("The HTTP request was refused: ");
    assertThat(response).doesNotContainIgnoringCase("<html");
    assertThat(server.changesSince(before)).as("changes written by a refused request").isEmpty();
    return outcome;
  }
}
