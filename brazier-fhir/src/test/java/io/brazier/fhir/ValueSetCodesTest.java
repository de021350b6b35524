package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expansions of the ValueSets bundled with R4, where they can be expanded exactly. */
class ValueSetCodesTest {
  private static final ValueSetCodes VALUE_SETS =
      new ValueSetCodes(new Fhir(false).context().getValidationSupport());

  @Test
  void aValueSetOfAWholeCodeSystemHoldsEachCodeWithAndWithoutItsSystem() {
    RequiredBindingTable.Codes gender = VALUE_SETS.codes("http://hl7.org/fhir/ValueSet/administrative-gender").orElseThrow();

    assertThat(gender.contains("http://hl7.org/fhir/administrative-gender", "female")).isTrue();
    assertThat(gender.contains(null, "unknown")).isTrue();
    assertThat(gender.contains("http://hl7.org/fhir/administrative-gender", "fem")).isFalse();
    assertThat(gender.contains("http://other.org/gender", "female")).isFalse();
  }

  @Test
  void theCodesNestedInAHierarchicalCodeSystemAreIncluded() {
    RequiredBindingTable.Codes absent = VALUE_SETS.codes("http://hl7.org/fhir/ValueSet/data-absent-reason").orElseThrow();

    assertThat(absent.contains("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown")).isTrue();
    assertThat(absent.contains("http://terminology.hl7.org/CodeSystem/data-absent-reason", "asked-unknown")).isTrue();
  }

  @Test
  void aVersionSuffixIsIgnored() {
    assertThat(VALUE_SETS.codes("http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1"))
        .isEqualTo(VALUE_SETS.codes("http://hl7.org/fhir/ValueSet/administrative-gender"));
  }

  @Test
  void anImportedValueSetBringsItsCodes() {
    RequiredBindingTable.Codes allTypes = VALUE_SETS.codes("http://hl7.org/fhir/ValueSet/all-types").orElseThrow();

    assertThat(allTypes.contains(null, "Patient")).isTrue();
    assertThat(allTypes.contains(null, "Quantity")).isTrue();
  }

  @Test
  void whatCannotBeExpandedExactlyHasNoCodesRatherThanAGuess() {
    assertThat(VALUE_SETS.codes("http://hl7.org/fhir/ValueSet/clinical-findings")).as("SNOMED CT, by filter")
        .isEmpty();
    assertThat(VALUE_SETS.codes("http://x.org/ValueSet/unknown")).isEmpty();
    assertThat(VALUE_SETS.codes(null)).isEmpty();
  }
}
