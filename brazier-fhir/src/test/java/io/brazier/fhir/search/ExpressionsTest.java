package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The FHIRPath of a parameter shared by several types, cut down to one type's part (union terms, `|`). */
class ExpressionsTest {

  @Test
  void aSharedExpressionKeepsTheTermsOfTheBaseType() {
    String expression = "Patient.name | Practitioner.name | RelatedPerson.name";

    assertThat(Expressions.forBase(expression, "Practitioner")).isEqualTo("Practitioner.name");
  }

  @Test
  void termsOnResourceOrDomainResourceApplyToEveryType() {
    String expression = "Resource.meta.tag | DomainResource.text | Patient.id | Group.id";

    assertThat(Expressions.forBase(expression, "Patient"))
        .isEqualTo("Resource.meta.tag | DomainResource.text | Patient.id");
  }

  @Test
  void aTermInParenthesesIsTypedByItsFirstName() {
    String expression = "(Observation.value as Quantity) | (Observation.value as SampledData) | (Condition.onset as Age)";

    assertThat(Expressions.forBase(expression, "Observation"))
        .isEqualTo("(Observation.value as Quantity) | (Observation.value as SampledData)");
  }

  @Test
  void anExpressionThatNamesNoTypeIsKeptWhole() {
    assertThat(Expressions.forBase("name.given | name.family", "Patient")).isEqualTo("name.given | name.family");
    assertThat(Expressions.forBase(null, "Patient")).isNull();
  }

  @Test
  void anExpressionForOtherTypesOnlyKeepsNothing() {
    assertThat(Expressions.forBase("Practitioner.name | Organization.name", "Patient")).isEmpty();
  }

  @Test
  void barsInsideParenthesesOrQuotesDoNotSplitTerms() {
    String expression = "Patient.identifier.where(system = 'a|b') | Patient.telecom.where((system | use).exists())";

    assertThat(Expressions.terms(expression)).containsExactly("Patient.identifier.where(system = 'a|b') ",
        " Patient.telecom.where((system | use).exists())");
  }

  @Test
  void anEscapedQuoteDoesNotEndAString() {
    assertThat(Expressions.terms("Patient.name.where(text = 'O\\'Brien | x') | Patient.id")).hasSize(2);
  }
}
