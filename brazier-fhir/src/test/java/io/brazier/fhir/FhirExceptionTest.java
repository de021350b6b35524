package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.junit.jupiter.api.Test;

/** Each failure carries the status https://hl7.org/fhir/R4/http.html gives it and an OperationOutcome saying why. */
class FhirExceptionTest {

  @Test
  void aBadRequestIsA400WithAnErrorIssueThatSaysWhy() {
    FhirException e = FhirException.badRequest("Search parameter name has an empty value.");

    OperationOutcome.OperationOutcomeIssueComponent issue = e.outcome().getIssueFirstRep();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("Search parameter name has an empty value.");
    assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.ERROR);
    assertThat(issue.getCode()).isEqualTo(IssueType.INVALID);
    assertThat(issue.getDiagnostics()).isEqualTo(e.getMessage());
  }

  @Test
  void eachFailureHasTheStatusAndIssueTypeOfTheHttpPage() {
    assertFailure(FhirException.notFound("Patient", "1"), 404, IssueType.NOTFOUND, "Patient/1");
    assertFailure(FhirException.versionNotFound("Patient", "1", 3), 404, IssueType.NOTFOUND, "Version 3");
    assertFailure(FhirException.unknownType("Spaceship"), 404, IssueType.NOTSUPPORTED, "'Spaceship'");
    assertFailure(FhirException.gone("Patient", "1"), 410, IssueType.DELETED, "deleted");
    assertFailure(FhirException.methodNotAllowed("PATCH", "/metadata"), 405, IssueType.NOTSUPPORTED, "PATCH");
    assertFailure(FhirException.unauthorized("no token"), 401, IssueType.LOGIN, "no token");
    assertFailure(FhirException.forbidden("not yours"), 403, IssueType.FORBIDDEN, "not yours");
    assertFailure(FhirException.conflict("changed meanwhile"), 409, IssueType.CONFLICT, "changed");
    assertFailure(FhirException.preconditionFailed("If-Match"), 412, IssueType.CONFLICT, "If-Match");
    assertFailure(FhirException.tooLarge("body"), 413, IssueType.TOOLONG, "body");
    assertFailure(FhirException.unsupportedMediaType("text/plain"), 415, IssueType.NOTSUPPORTED,
        "application/fhir+json");
    assertFailure(FhirException.unprocessable("bad profile"), 422, IssueType.PROCESSING, "bad profile");
    assertFailure(FhirException.invalid("not JSON"), 400, IssueType.STRUCTURE, "not JSON");
    assertFailure(FhirException.notSupported(":above"), 400, IssueType.NOTSUPPORTED, ":above");
    assertFailure(FhirException.tooCostly("too many"), 400, IssueType.TOOCOSTLY, "too many");
  }

  @Test
  void aLocatedFailureNamesThePlaceInEveryIssueAndLeavesTheOriginalAlone() {
    OperationOutcome outcome = Outcomes.error(IssueType.REQUIRED, "name is required");
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.VALUE).setDiagnostics("bad date")
        .addExpression("Patient.birthDate");
    FhirException original = new FhirException(422, outcome);

    FhirException located = original.at("Bundle.entry[3]");

    assertThat(located.status()).isEqualTo(422);
    assertThat(located.getMessage()).isEqualTo("Bundle.entry[3]: name is required");
    assertThat(located.outcome().getIssue()).extracting(i -> i.getExpression().stream()
        .map(PrimitiveType::getValue).toList()).containsExactly(java.util.List.of("Bundle.entry[3]"),
            java.util.List.of("Bundle.entry[3]", "Patient.birthDate"));
    assertThat(located.outcome().getIssue().get(1).getDiagnostics()).isEqualTo("Bundle.entry[3]: bad date");
    assertThat(original.outcome().getIssueFirstRep().getExpression()).isEmpty();
    assertThat(original.getMessage()).isEqualTo("name is required");
  }

  @Test
  void aHeaderOfTheAnswerStaysWithTheFailureWhereverItIsLocated() {
    FhirException original = FhirException.methodNotAllowed("POST", "/_history");

    FhirException allowing = original.withHeader("Allow", "GET, HEAD");

    assertThat(allowing.headers()).containsExactly(java.util.Map.entry("Allow", "GET, HEAD"));
    assertThat(allowing.at("Bundle.entry[0]").headers()).isEqualTo(allowing.headers());
    assertThat(allowing.status()).isEqualTo(405);
    assertThat(original.headers()).isEmpty();
  }

  @Test
  void anExpectedFailureCostsNoStackTrace() {
    assertThat(FhirException.badRequest("x").getStackTrace()).isEmpty();
  }

  private static void assertFailure(FhirException e, int status, IssueType type, String message) {
    assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
    assertThat(e.outcome().getIssueFirstRep().getCode()).as(e.getMessage()).isEqualTo(type);
    assertThat(e.getMessage()).contains(message);
  }
}
