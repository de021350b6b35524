package io.brazier.fhir;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Builds the OperationOutcomes that explain a request's result. */
public final class Outcomes {
  private Outcomes() {}

  public static OperationOutcome error(IssueType type, String diagnostics) {
    return of(IssueSeverity.ERROR, type, diagnostics);
  }

  public static OperationOutcome information(String diagnostics) {
    return of(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, diagnostics);
  }

  public static OperationOutcome of(IssueSeverity severity, IssueType type, String diagnostics) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(diagnostics);
    return outcome;
  }
}
