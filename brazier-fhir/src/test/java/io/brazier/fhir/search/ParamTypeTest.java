package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The parameter types and their modifiers: https://hl7.org/fhir/R4/search.html#ptypes and #modifiers */
class ParamTypeTest {

  @Test
  void everyTypeTakesMissing() {
    assertThat(ParamType.values()).allMatch(type -> type.modifiers().contains("missing"));
  }

  @Test
  void eachTypeTakesTheModifiersTheSpecificationGivesIt() {
    assertThat(ParamType.STRING.modifiers()).contains("exact", "contains");
    assertThat(ParamType.TOKEN.modifiers()).contains("text", "not", "above", "below", "in", "not-in", "of-type");
    assertThat(ParamType.REFERENCE.modifiers()).contains("type", "identifier");
    assertThat(ParamType.URI.modifiers()).contains("above", "below");
    assertThat(ParamType.DATE.modifiers()).doesNotContain("exact", "contains", "text", "not");
  }

  @Test
  void aTypeIsNamedByItsFhirCode() {
    assertThat(ParamType.of("reference")).isEqualTo(ParamType.REFERENCE);
    assertThat(ParamType.COMPOSITE.code()).isEqualTo("composite");
    assertThatThrownBy(() -> ParamType.of("colour")).isInstanceOf(IllegalArgumentException.class);
  }
}
