package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** The type tests of FHIRPath's {@code as()} and {@code ofType()}: https://hl7.org/fhirpath/#types */
class TypesTest {
  private final Types types = new Types(new Fhir(false));

  @Test
  void aSpecialisedQuantityIsAQuantityButNotTheOtherWayRound() {
    assertThat(types.isA(new Age(), "Quantity")).isTrue();
    assertThat(types.isA(new Duration(), "Quantity")).isTrue();
    assertThat(types.isA(new Quantity(), "Age")).isFalse();
    assertThat(types.isA(new Age(), "Duration")).isFalse();
  }

  @Test
  void aPrimitiveIsOnlyItself() {
    assertThat(types.isA(new CodeType("final"), "code")).isTrue();
    assertThat(types.isA(new CodeType("final"), "string")).isFalse();
    assertThat(types.isA(new StringType("x"), "string")).isTrue();
  }

  @Test
  void namesCompareIgnoringCaseAsR4sExpressionsWriteThem() {
    assertThat(types.isA(new DateTimeType("2020"), "DateTime")).isTrue();
  }

  @Test
  void anUnknownTypeNameMatchesNothing() {
    assertThat(types.isA(new Quantity(), "Spaceship")).isFalse();
  }
}
