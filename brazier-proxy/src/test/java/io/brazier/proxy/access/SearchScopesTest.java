package io.brazier.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a search may ask for under scopes: granular constraints that a search cannot widen, and the types that its
 * includes, reverse chains ({@code _has}) and chains reach, each of which the caller must be able to see.
 */
class SearchScopesTest {
  private static final Map<String, String> LABORATORY = Map.of("category", "laboratory");

  @Test
  void aSearchIsWithinAGranularScopeOnlyWithTheScopesValuesUnmodified() {
    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory")), LABORATORY)).isTrue();
    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory", "vital-signs")), LABORATORY))
        .as("repeated parameters all apply: laboratory AND vital-signs is narrower").isTrue();

    assertThat(SearchScopes.within(Map.of(), LABORATORY)).isFalse();
    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory,vital-signs")), LABORATORY))
        .as("a comma is OR: wider").isFalse();
    assertThat(SearchScopes.within(Map.of("category:not", List.of("laboratory")), LABORATORY)).isFalse();
    assertThat(SearchScopes.within(Map.of("category:text", List.of("laboratory")), LABORATORY)).isFalse();
    assertThat(SearchScopes.within(Map.of("code", List.of("laboratory")), LABORATORY)).isFalse();
  }

  @Test
  void aScopeOfSeveralValuesAllowsAnyOfThem() {
    Map<String, String> either = Map.of("category", "laboratory,vital-signs");

    assertThat(SearchScopes.within(Map.of("category", List.of("vital-signs,laboratory")), either)).isTrue();
    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory,imaging")), either)).isFalse();
    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory")), Map.of("category",
        "laboratory,laboratory"))).as("a value written twice").isTrue();
  }

  @Test
  void aSearchOutsideAGranularScopeIsA403NamingTheScope() {
    Rights rights = rights("system/Observation.rs?category=laboratory");

    assertThatCode(() -> SearchScopes.check(rights, "Observation", Map.of("category", List.of("laboratory"))))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> SearchScopes.check(rights, "Observation", Map.of("code", List.of("x"))))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining("category=laboratory");
    assertThatThrownBy(() -> SearchScopes.check(rights, "Patient", Map.of()))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void theTypesIncludesNameAreTargetsOfIncludesAndSourcesOfRevincludes() {
    Map<String, List<String>> params = Map.of(
        "_include", List.of("Observation:subject:Patient", "Observation:performer", "*"),
        "_include:iterate", List.of("Patient:general-practitioner:Practitioner"),
        "_revinclude", List.of("Provenance:target"),
        "_revinclude:iterate", List.of("AuditEvent:entity"));

    assertThat(SearchScopes.includedTypes(params))
        .containsExactlyInAnyOrder("Patient", "Practitioner", "Provenance", "AuditEvent");
  }

  @Test
  void anIncludeOfATypeTheCallerMayNotReadIsRefused() {
    Rights rights = rights("system/Patient.rs");

    assertThatThrownBy(() -> SearchScopes.checkIncludes(rights, Map.of("_revinclude",
        List.of("Observation:subject")))).isInstanceOfSatisfying(FhirException.class,
            e -> assertThat(e.status()).isEqualTo(403)).hasMessageContaining("Observation");
    assertThatCode(() -> SearchScopes.checkIncludes(rights, Map.of("_include",
        List.of("Patient:link:Patient")))).doesNotThrowAnyException();
  }

  @Test
  void aReverseChainThroughATypeTheCallerMayNotSearchIsRefused() {
    Rights rights = rights("system/Patient.rs");

    assertThatThrownBy(() -> SearchScopes.checkIncludes(rights, Map.of("_has:Observation:subject:code",
        List.of("http://loinc.org|55277-8")))).isInstanceOfSatisfying(FhirException.class,
            e -> assertThat(e.status()).isEqualTo(403)).hasMessageContaining("Observation");
    assertThatThrownBy(() -> SearchScopes.checkIncludes(rights, Map.of(
        "_has:Patient:link:_has:Condition:subject:code", List.of("x")))).hasMessageContaining("Condition");
  }

  @Test
  void notReferencedLooksAtItsSourceTypeWhichTheCallerMustSearchWhole() {
    Rights patients = rights("system/Patient.rs");
    Rights both = rights("system/Patient.rs", "system/Encounter.s");

    assertThatThrownBy(() -> SearchScopes.checkIncludes(patients, Map.of("_not-referenced",
        List.of("Encounter:subject")))).isInstanceOfSatisfying(FhirException.class,
            e -> assertThat(e.status()).isEqualTo(403)).hasMessageContaining("Encounter");
    assertThatThrownBy(() -> SearchScopes.checkIncludes(both, Map.of("_not-referenced", List.of("*:*"))))
        .hasMessageContaining("every resource type");
    assertThatCode(() -> SearchScopes.checkIncludes(both, Map.of("_not-referenced", List.of("Encounter:*"))))
        .doesNotThrowAnyException();
    assertThatCode(() -> SearchScopes.checkIncludes(rights("system/*.rs"), Map.of("_not-referenced",
        List.of("*:*")))).doesNotThrowAnyException();
  }

  @Test
  void aChainThroughATypeTheCallerMayNotSearchIsRefused() {
    Rights observations = rights("system/Observation.rs");
    Rights both = rights("system/Observation.rs", "system/Patient.s");

    assertThatThrownBy(() -> SearchScopes.checkIncludes(observations, Map.of("subject:Patient.name",
        List.of("Chalmers")))).isInstanceOfSatisfying(FhirException.class,
            e -> assertThat(e.status()).isEqualTo(403)).hasMessageContaining("Patient");
    assertThatThrownBy(() -> SearchScopes.checkIncludes(observations, Map.of("subject.name",
        List.of("Chalmers")))).isInstanceOfSatisfying(FhirException.class,
            e -> assertThat(e.status()).isEqualTo(403)).hasMessageContaining("subject:[type].name");
    assertThatCode(() -> SearchScopes.checkIncludes(both, Map.of("subject:Patient.name", List.of("Chalmers"))))
        .doesNotThrowAnyException();
    assertThatCode(() -> SearchScopes.checkIncludes(rights("system/*.rs"), Map.of("subject.name",
        List.of("Chalmers")))).as("who may search every type may chain without naming it")
        .doesNotThrowAnyException();
  }

  private static Rights rights(String... scopes) {
    return Rights.of(new Caller("https://issuer", "someone", "a-client", Set.of(), Set.of(scopes), null, null,
        null));
  }
}
