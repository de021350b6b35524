package io.brazier.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Caller;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RightsTest {

  @Test
  void withNeitherRoleNorScopeNothingIsAllowed() {
    Rights rights = Rights.of(caller(Set.of(), Set.of("openid")));

    assertThat(rights.any()).isFalse();
    assertThat(rights.reach(Permission.READ, "Patient").none()).isTrue();
  }

  @Test
  void aReaderReadsAndSearchesEveryTypeAndAWriterWritesThem() {
    Rights reader = Rights.of(caller(Set.of("Reader"), Set.of()));
    Rights writer = Rights.of(caller(Set.of("Writer"), Set.of()));

    assertThat(reader.allows(Permission.READ, "Observation")).isTrue();
    assertThat(reader.allows(Permission.SEARCH, "*")).isTrue();
    assertThat(reader.allows(Permission.CREATE, "Observation")).isFalse();
    assertThat(writer.allows(Permission.DELETE, "Observation")).isTrue();
    assertThat(writer.allows(Permission.READ, "Observation")).isFalse();
  }

  @Test
  void everyMatchingScopeCountsNotOnlyTheFirst() {
    Rights rights = Rights.of(caller(Set.of(), Set.of("system/Observation.r", "system/Observation.s",
        "system/Patient.c")));

    assertThat(rights.allows(Permission.READ, "Observation")).isTrue();
    assertThat(rights.allows(Permission.SEARCH, "Observation")).isTrue();
    assertThat(rights.allows(Permission.CREATE, "Patient")).isTrue();
    assertThat(rights.allows(Permission.CREATE, "Observation")).isFalse();
  }

  @Test
  void rolesAndScopesAddUp() {
    Rights rights = Rights.of(caller(Set.of("Writer"), Set.of("system/Patient.rs")));

    assertThat(rights.allows(Permission.READ, "Patient")).isTrue();
    assertThat(rights.allows(Permission.READ, "Observation")).isFalse();
    assertThat(rights.allows(Permission.UPDATE, "Observation")).isTrue();
  }

  @Test
  void aGranularScopeReachesPartOfItsTypeUnlessAWholeScopeReachesAll() {
    Rights granular = Rights.of(caller(Set.of(), Set.of("user/Observation.rs?category=laboratory",
        "user/Observation.rs?category=vital-signs")));
    Rights both = Rights.of(caller(Set.of(), Set.of("user/Observation.rs?category=laboratory", "user/*.read")));

    assertThat(granular.reach(Permission.SEARCH, "Observation").limited()).isTrue();
    assertThat(granular.reach(Permission.SEARCH, "Observation").constraints())
        .containsExactlyInAnyOrder(Map.of("category", "laboratory"), Map.of("category", "vital-signs"));
    assertThat(both.reach(Permission.SEARCH, "Observation").all()).isTrue();
  }

  @Test
  void onlySystemScopesAreBackendRightsAndAdministratorsHoldEverything() {
    Rights user = Rights.of(caller(Set.of(), Set.of("user/*.cruds")));
    Rights system = Rights.of(caller(Set.of(), Set.of("system/*.rs")));
    Rights administrator = Rights.of(caller(Set.of("Administrator"), Set.of()));

    assertThat(user.allowsSystem(Permission.READ, "Patient")).isFalse();
    assertThat(system.allowsSystem(Permission.READ, "Patient")).isTrue();
    assertThat(administrator.isAdministrator()).isTrue();
    assertThat(administrator.allows(Permission.DELETE, "*")).isTrue();
  }

  @Test
  void patientScopesAreRightsInThePatientsContextOnly() {
    Rights patient = Rights.of(caller(Set.of(), Set.of("patient/Observation.rs",
        "patient/Condition.rs?category=problem-list-item")));
    Rights user = Rights.of(caller(Set.of(), Set.of("user/*.rs")));

    assertThat(patient.allowsInPatientContext(Permission.READ, "Observation")).isTrue();
    assertThat(patient.allowsInPatientContext(Permission.READ, "Condition")).as("granular: not all of it").isFalse();
    assertThat(patient.allowsInPatientContext(Permission.READ, "Patient")).isFalse();
    assertThat(patient.allowsSystem(Permission.READ, "Observation")).isFalse();
    assertThat(user.allowsInPatientContext(Permission.READ, "Observation")).isFalse();
  }

  @Test
  void searchesStayWithinAGranularScopeOnlyWithItsValues() {
    Map<String, String> laboratory = Map.of("category", "laboratory,imaging");

    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory")), laboratory)).isTrue();
    assertThat(SearchScopes.within(Map.of("category", List.of("imaging,laboratory")), laboratory)).isTrue();
    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory", "vital-signs")), laboratory))
        .as("repeated parameters all apply").isTrue();
    assertThat(SearchScopes.within(Map.of("category", List.of("laboratory,vital-signs")), laboratory)).isFalse();
    assertThat(SearchScopes.within(Map.of("category:not", List.of("laboratory")), laboratory)).isFalse();
    assertThat(SearchScopes.within(Map.of(), laboratory)).isFalse();
  }

  private static Caller caller(Set<String> roles, Set<String> scopes) {
    return new Caller("https://issuer", "someone", "a-client", roles, scopes, null, null, null);
  }
}
