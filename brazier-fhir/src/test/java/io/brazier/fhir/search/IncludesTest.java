package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchQuery.Include;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code _include} and {@code _revinclude}: https://hl7.org/fhir/R4/search.html#include */
class IncludesTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final Includes INCLUDES = new Includes(FHIR, new FhirSearch(FHIR).parameters());

  @Test
  void anIncludeNamesItsSourceTypeReferenceAndMaybeItsTargetType() {
    List<Include> includes = INCLUDES.parse(List.of("MedicationRequest"),
        Map.of("_include", List.of("MedicationRequest:subject", "MedicationRequest:requester:Practitioner")), false);

    assertThat(includes).containsExactly(new Include("MedicationRequest", "subject", null, false),
        new Include("MedicationRequest", "requester", "Practitioner", false));
  }

  @Test
  void aRevIncludeStartsFromTheResourcesThatReferToTheMatches() {
    List<Include> revIncludes = INCLUDES.parse(List.of("Patient"),
        Map.of("_revinclude", List.of("Provenance:target"), "_include", List.of("Patient:organization")), true);

    assertThat(revIncludes).containsExactly(new Include("Provenance", "target", null, false));
  }

  @Test
  void iterateAndItsOlderNameRecurseFollowIncludedResources() {
    Map<String, List<String>> query = new LinkedHashMap<>();
    query.put("_include", List.of("MedicationRequest:medication"));
    query.put("_include:iterate", List.of("Medication:manufacturer"));
    query.put("_include:recurse", List.of("Organization:partof"));

    List<Include> includes = INCLUDES.parse(List.of("MedicationRequest"), query, false);

    assertThat(includes).containsExactly(new Include("MedicationRequest", "medication", null, false),
        new Include("Medication", "manufacturer", null, true), new Include("Organization", "partof", null, true));
  }

  @Test
  void wildcardsIncludeEveryReference() {
    assertThat(INCLUDES.parse(List.of("Observation"), Map.of("_include", List.of("*", "Observation:*")), false))
        .containsExactly(new Include("*", "*", null, false), new Include("Observation", "*", null, false));
  }

  @Test
  void anIncludeFromATypeThatIsNotSearchedNeedsIterate() {
    assertBadRequest(Map.of("_include", List.of("Encounter:subject")), "use _include:iterate");
    assertThat(INCLUDES.parse(List.of(), Map.of("_include", List.of("Encounter:subject")), false))
        .as("a search of every type").hasSize(1);
  }

  @Test
  void malformedOrMeaninglessIncludesAreBadRequests() {
    assertBadRequest(Map.of("_include", List.of("Observation")), "is not Type:parameter");
    assertBadRequest(Map.of("_include", List.of("Observation:subject:Patient:x")), "is not Type:parameter");
    assertBadRequest(Map.of("_include", List.of("Spaceship:subject")), "is not Type:parameter");
    assertBadRequest(Map.of("_include", List.of("Observation:subject:Spaceship")), "is not a resource type");
    assertBadRequest(Map.of("_include", List.of("Observation:colour")), "has no search parameter 'colour'");
    assertBadRequest(Map.of("_include", List.of("Observation:code")), "code is not a reference parameter");
    assertBadRequest(Map.of("_include:deep", List.of("Observation:subject")), "Modifier :deep is not supported");
  }

  @Test
  void includeParametersAreRecognisedWithTheirModifiers() {
    assertThat(Includes.isInclude("_include")).isTrue();
    assertThat(Includes.isInclude("_revinclude:iterate")).isTrue();
    assertThat(Includes.isInclude("_included")).isFalse();
  }

  private static void assertBadRequest(Map<String, List<String>> query, String message) {
    assertThatThrownBy(() -> INCLUDES.parse(List.of("Observation"), query, false))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }
}
