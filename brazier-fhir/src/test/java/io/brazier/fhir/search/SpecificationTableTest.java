package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The tables taken from the specification are read from this package's resources; a missing one says which. */
class SpecificationTableTest {

  @Test
  void aCheckedInTableIsReadAsItsJson() {
    JsonNode compartments = SpecificationTable.read("compartments.r4.json");

    assertThat(compartments.isObject()).isTrue();
    assertThat(compartments.has("Patient")).isTrue();
  }

  @Test
  void eachReadGivesATreeOfItsOwn() {
    JsonNode first = SpecificationTable.read("compartments.r4.json");
    JsonNode second = SpecificationTable.read("compartments.r4.json");

    ((ObjectNode) first).remove("Patient");

    assertThat(second.has("Patient")).isTrue();
  }

  @Test
  void aMissingTableIsRefusedNamingItAndTheModule() {
    assertThatThrownBy(() -> SpecificationTable.read("codesystems.r4.json"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The table codesystems.r4.json is missing from brazier-fhir's resources");
  }
}
