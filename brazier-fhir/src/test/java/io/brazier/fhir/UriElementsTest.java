package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UriElementsTest {
  private final Fhir fhir = new Fhir(false);

  @Test
  void namesTheElementsOfEveryUriTypeInResourcesBackbonesDatatypesAndExtensions() {
    assertThat(fhir.uriElementNames())
        .contains("url", "system", "source", "implicitRules") // uri: Extension, Coding, Meta, Resource
        .contains("profile", "questionnaire", "instantiatesCanonical") // canonical
        .contains("valueUri", "valueUrl", "valueCanonical", "valueOid", "valueUuid") // choices of Extension.value[x]
        .contains("instantiatesUri", "address") // CarePlan.instantiatesUri, Endpoint.address (url)
        .contains("code"); // ElementDefinition.type.code is a uri
  }

  @Test
  void leavesOutNamesThatAreNeverAUri() {
    // Identifier.value above all: Synthea's DocumentReferences carry their own fullUrl there.
    assertThat(fhir.uriElementNames()).doesNotContain("value", "display", "text", "div", "id", "family", "data");
  }

  @Test
  void isFoundOnceAndKept() {
    assertThat(fhir.uriElementNames()).isSameAs(fhir.uriElementNames());
  }
}
