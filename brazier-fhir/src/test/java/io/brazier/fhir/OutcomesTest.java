package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

/** https://hl7.org/fhir/R4/operationoutcome.html: one issue, with severity, code and diagnostics. */
class OutcomesTest {

  @Test
  void anErrorIsOneIssueOfErrorSeverity() {
    OperationOutcome outcome = Outcomes.error(IssueType.NOTFOUND, "Patient/1 is not known.");

    assertThat(outcome.getIssue()).singleElement().satisfies(issue -> {
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(IssueType.NOTFOUND);
      assertThat(issue.getDiagnostics()).isEqualTo("Patient/1 is not known.");
    });
  }

  @Test
  void informationIsAnInformationalIssue() {
    OperationOutcome outcome = Outcomes.information("All OK");

    assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(IssueSeverity.INFORMATION);
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.INFORMATIONAL);
  }

  @Test
  void anOutcomeIsAValidResourceToSend() {
    String json = new Fhir(false).jsonParser().encodeResourceToString(Outcomes.of(IssueSeverity.WARNING,
        IssueType.BUSINESSRULE, "careful"));

    assertThat(json).contains("\"resourceType\":\"OperationOutcome\"", "\"severity\":\"warning\"",
        "\"code\":\"business-rule\"", "\"diagnostics\":\"careful\"");
  }
}
