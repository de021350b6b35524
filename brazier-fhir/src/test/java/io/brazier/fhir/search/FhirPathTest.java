package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FhirPathTest {

  @Test
  void expressionsAsLongAsR4sOwnPass() {
    String union = String.join(" | ", java.util.Collections.nCopies(44,
        "AllergyIntolerance.patient.where(resolve() is Patient)"));

    assertThatCode(() -> FhirPath.checkNesting(union)).doesNotThrowAnyException();
    assertThatCode(() -> FhirPath.checkNesting("Patient" + ".name".repeat(5000))).doesNotThrowAnyException();
  }

  @Test
  void expressionsThatWouldOverflowTheParsersStackAreRefused() {
    assertThatThrownBy(() -> FhirPath.checkNesting("Patient.name" + ".where(true)".repeat(FhirPath.MAX_CALLS + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FhirPath.checkNesting("(".repeat(FhirPath.MAX_DEPTH + 1) + "Patient"
        + ")".repeat(FhirPath.MAX_DEPTH + 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FhirPath.checkNesting("Patient.name" + "[0]".repeat(FhirPath.MAX_CALLS + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
