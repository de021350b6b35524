package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

/** Without a terminology, every token modifier that needs one is a 400 that says what it would need. */
class TerminologyTest {

  @Test
  void inAndNotInNeedStoredValueSets() {
    assertRefused(() -> Terminology.NONE.expand("http://hl7.org/fhir/ValueSet/administrative-gender"),
        "Token :in and :not-in need stored ValueSets.");
  }

  @Test
  void belowNeedsStoredCodeSystems() {
    assertRefused(() -> Terminology.NONE.below("http://snomed.info/sct", "404684003"),
        "Token :below needs stored CodeSystems.");
  }

  @Test
  void aboveNeedsStoredCodeSystems() {
    assertRefused(() -> Terminology.NONE.above("http://snomed.info/sct", "404684003"),
        "Token :above needs stored CodeSystems.");
  }

  private static void assertRefused(ThrowingCallable lookup, String message) {
    assertThatThrownBy(lookup).isInstanceOfSatisfying(FhirException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.outcome().getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTSUPPORTED);
      assertThat(e.outcome().getIssueFirstRep().getDiagnostics()).isEqualTo(message);
    });
  }
}
