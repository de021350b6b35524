package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FhirCallTest {
  private static final byte[] BUNDLE =
      "{\"resourceType\":\"Bundle\",\"type\":\"batch\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aBundleIsPostedToTheBaseAsJsonAskingForMinimalAnswers() {
    FhirCall call = FhirCall.bundle(BUNDLE);

    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEmpty();
    assertThat(call.body()).isEqualTo(BUNDLE);
    assertThat(call.headers()).containsEntry("Content-Type", "application/fhir+json")
        .containsEntry("Accept", "application/fhir+json").containsEntry("Prefer", "return=minimal");
  }

  @Test
  void aBatchOfSearchesAsksForWholeAnswers() {
    FhirCall call = FhirCall.searches(BUNDLE);

    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEmpty();
    assertThat(call.headers()).containsEntry("Content-Type", "application/fhir+json").doesNotContainKey("Prefer");
  }

  @Test
  void aGetHasNoBodyAndAcceptsJson() {
    FhirCall call = FhirCall.get("Patient?identifier=x");

    assertThat(call.method()).isEqualTo("GET");
    assertThat(call.path()).isEqualTo("Patient?identifier=x");
    assertThat(call.body()).isNull();
    assertThat(call.headers()).containsExactly(Map.entry("Accept", "application/fhir+json"));
  }

  @Test
  void theHeadersAreACopyNeitherSideCanChangeAfterwards() {
    Map<String, String> headers = new HashMap<>(Map.of("Accept", "application/fhir+json"));
    FhirCall call = new FhirCall("GET", "metadata", headers, null);

    headers.put("Authorization", "Bearer secret");

    assertThat(call.headers()).doesNotContainKey("Authorization");
    assertThatThrownBy(() -> call.headers().put("X-Other", "1")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void itsTextNamesMethodPathAndBodySizeButNeverTheBodyOrHeaders() {
    FhirCall bundle = new FhirCall("POST", "", Map.of("Authorization", "Bearer secret"), BUNDLE);

    assertThat(bundle).hasToString("POST  (" + BUNDLE.length + " bytes)");
    assertThat(FhirCall.get("Patient/1")).hasToString("GET Patient/1");
  }

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
