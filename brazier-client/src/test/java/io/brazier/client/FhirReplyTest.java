package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
  void aBodyThatIsNoJsonOrNoneReadsAsAMissingNode() {
    assertThat(reply("{\"resourceType\":\"Bundle\"}").json().path("resourceType").asText()).isEqualTo("Bundle");
    assertThat(reply("<html>").json().isMissingNode()).isTrue();
    assertThat(reply("").json().isMissingNode()).isTrue();
  }
}
