package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.junit.jupiter.api.Test;

/** What the parser could not read into a resource, as the errors $validate reports instead of refusing the body. */
class ParseIssuesTest {
  private static final Fhir FHIR = new Fhir(false);

  @Test
  void anUnknownElementIsAStructureError() {
    ParseIssues issues = parse("{\"resourceType\":\"Patient\",\"wingspan\":\"2m\"}");

    assertThat(issues.issues()).singleElement().satisfies(issue -> {
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(IssueType.STRUCTURE);
      assertThat(issue.getDiagnostics()).contains("wingspan");
    });
  }

  @Test
  void anInvalidValueIsAValueError() {
    ParseIssues issues = parse("{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}");

    assertThat(issues.issues()).extracting(OperationOutcomeIssueComponent::getCode).contains(IssueType.VALUE);
    assertThat(issues.issues()).extracting(OperationOutcomeIssueComponent::getDiagnostics)
        .anySatisfy(text -> assertThat(text).contains("yesterday"));
  }

  @Test
  void aValueOfTheWrongJsonTypeAndARepeatedSingleElementAreStructureErrors() {
    ParseIssues issues = parse("{\"resourceType\":\"Patient\",\"active\":\"yes\",\"gender\":[\"male\",\"female\"]}");

    assertThat(issues.issues()).hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(issue -> assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR));
    assertThat(issues.issues()).extracting(OperationOutcomeIssueComponent::getDiagnostics)
        .anySatisfy(text -> assertThat(text).contains("active"))
        .anySatisfy(text -> assertThat(text).contains("gender"));
  }

  @Test
  void aResourceTheParserReadsWholeHasNoIssues() {
    assertThat(parse("{\"resourceType\":\"Patient\",\"active\":true}").issues()).isEmpty();
  }

  private static ParseIssues parse(String json) {
    ParseIssues issues = new ParseIssues();
    FHIR.parse(Format.JSON, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), issues);
    return issues;
  }
}
