package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FhirCallTest {

  @Test
  void aHeaderSetOnACallIsAddedOrReplacesOneOfTheSameNameInAnyCase() {
    FhirCall search = FhirCall.get("Patient?identifier=x").withHeader("Prefer", "handling=strict");
    FhirCall lenient = search.withHeader("prefer", "handling=lenient");

    assertThat(search.headers()).containsEntry("Prefer", "handling=strict")
        .containsEntry("Accept", "application/fhir+json");
    assertThat(lenient.headers()).hasSize(2).containsEntry("Prefer", "handling=lenient")
        .containsEntry("Accept", "application/fhir+json");
    assertThat(lenient.method()).isEqualTo("GET");
    assertThat(lenient.path()).isEqualTo("Patient?identifier=x");
  }
}
