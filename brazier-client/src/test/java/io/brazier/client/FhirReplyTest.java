package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FhirReplyTest {

  private static FhirReply reply(String body) {
    return new FhirReply(400, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void diagnosticsAreTheOutcomesIssuesOrTheStartOfTheBody() {
    FhirReply outcome = reply("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"diagnostics\":\"Bad since\"},"
        + "{\"diagnostics\":\"Bad _count\"}]}");
    FhirReply page = reply("<html>" + "x".repeat(400));

    assertThat(outcome.diagnostics()).isEqualTo("Bad since; Bad _count");
    assertThat(page.diagnostics()).startsWith("<html>xx").endsWith("...").hasSize(303);
  }

  @Test
  void anOutcomeWhoseIssuesSayNothingIsShownAsItsBody() {
    FhirReply silent = reply("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\"}]}");

    assertThat(silent.diagnostics()).isEqualTo(silent.text());
  }

  @Test
  void headersAreFoundByNameInAnyCase() {
    FhirReply reply = new FhirReply(201, Map.of("Location", List.of("Patient/1/_history/1"), "ETag", List.of()),
        null);

    assertThat(reply.header("location")).contains("Patient/1/_history/1");
    assertThat(reply.header("LOCATION")).contains("Patient/1/_history/1");
    assertThat(reply.header("etag")).as("a header without a value").isEmpty();
    assertThat(reply.header("Content-Type")).isEmpty();
  }

  @Test
  void aReplyWithoutABodyHasAnEmptyOne() {
    FhirReply noContent = new FhirReply(204, Map.of(), null);

    assertThat(noContent.body()).isEmpty();
    assertThat(noContent.text()).isEmpty();
    assertThat(noContent.diagnostics()).isEmpty();
  }

  @Test
  void onlyTwoHundredsAreOk() {
    assertThat(new FhirReply(200, Map.of(), null).ok()).isTrue();
    assertThat(new FhirReply(299, Map.of(), null).ok()).isTrue();
    assertThat(new FhirReply(199, Map.of(), null).ok()).isFalse();
    assertThat(new FhirReply(304, Map.of(), null).ok()).isFalse();
    assertThat(new FhirReply(404, Map.of(), null).ok()).isFalse();
  }

  @Test
  void aBodyThatIsNoJsonOrNoneReadsAsAMissingNode() {
    assertThat(reply("{\"resourceType\":\"Bundle\"}").json().path("resourceType").asText()).isEqualTo("Bundle");
    assertThat(reply("<html>").json().isMissingNode()).isTrue();
    assertThat(reply("").json().isMissingNode()).isTrue();
  }
}
