package io.brazier.server.operation;

import ca.uhn.fhir.parser.ErrorHandlerAdapter;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/**
 * Collects what the parser could not read into a resource (unknown elements, invalid values) as issues, where a
 * write would have rejected the body: $validate reports them instead.
 */
final class ParseIssues extends ErrorHandlerAdapter {
  private final List<OperationOutcomeIssueComponent> issues = new ArrayList<>();

  List<OperationOutcomeIssueComponent> issues() {
    return issues;
  }

  @Override
  public void unknownElement(IParseLocation location, String name) {
    add(IssueType.STRUCTURE, location, "Unknown element '" + name + "'");
  }

  @Override
  public void unknownAttribute(IParseLocation location, String name) {
    add(IssueType.STRUCTURE, location, "Unknown attribute '" + name + "'");
  }

  @Override
  public void unexpectedRepeatingElement(IParseLocation location, String name) {
    add(IssueType.STRUCTURE, location, "Element '" + name + "' repeats but may appear only once");
  }

  @Override
  public void incorrectJsonType(IParseLocation location, String name, ValueType expected, ScalarType expectedScalar,
      ValueType found, ScalarType foundScalar) {
    add(IssueType.STRUCTURE, location, "Element '" + name + "' is a JSON " + found + " but must be a JSON " + expected);
  }

  @Override
  public void invalidValue(IParseLocation location, String value, String error) {
    add(IssueType.VALUE, location, "Invalid value '" + value + "': " + error);
  }

  @Override
  public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
    add(IssueType.STRUCTURE, location, "An extension has both a value and nested extensions");
  }

  private void add(IssueType type, IParseLocation location, String message) {
    String where = location == null || location.getParentElementName() == null ? ""
        : " in " + location.getParentElementName();
    issues.add(new OperationOutcomeIssueComponent().setSeverity(IssueSeverity.ERROR).setCode(type)
        .setDiagnostics(message + where + "."));
  }
}
