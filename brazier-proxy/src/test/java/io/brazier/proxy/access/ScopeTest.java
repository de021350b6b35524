package io.brazier.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.access.Scope.Context;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopeTest {

  @Test
  void smartV1ScopesMeanTheirV2Letters() {
    assertThat(Scope.parse("system/*.read")).hasValueSatisfying(scope -> {
      assertThat(scope.context()).isEqualTo(Context.SYSTEM);
      assertThat(scope.type()).isEqualTo("*");
      assertThat(scope.permissions()).isEqualTo(EnumSet.of(Permission.READ, Permission.SEARCH));
    });
    assertThat(Scope.parse("patient/Observation.write").orElseThrow().permissions())
        .isEqualTo(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
    assertThat(Scope.parse("user/Patient.*").orElseThrow().permissions()).isEqualTo(EnumSet.allOf(Permission.class));
  }

  @Test
  void smartV2LettersAreTakenInCrudsOrderOnly() {
    assertThat(Scope.parse("patient/Observation.rs").orElseThrow().permissions())
        .isEqualTo(EnumSet.of(Permission.READ, Permission.SEARCH));
    assertThat(Scope.parse("system/Patient.cud").orElseThrow().permissions())
        .isEqualTo(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
    assertThat(Scope.parse("patient/Observation.sr")).isEmpty();
    assertThat(Scope.parse("patient/Observation.rr")).isEmpty();
    assertThat(Scope.parse("patient/Observation.x")).isEmpty();
  }

  @Test
  void entrasDottedFormIsTheSameScope() {
    assertThat(Scope.parse("system.Observation.read")).isEqualTo(Scope.parse("system/Observation.read"));
    assertThat(Scope.parse("patient.*.rs")).isEqualTo(Scope.parse("patient/*.rs"));
  }

  @Test
  void aGranularScopeKeepsItsSearchParameters() {
    Scope scope = Scope.parse("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/"
        + "observation-category%7Claboratory").orElseThrow();

    assertThat(scope.constraints()).isEqualTo(Map.of("category",
        "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"));
  }

  @Test
  void scopesThatAreNotClinicalGrantNothing() {
    assertThat(Scope.parse("openid")).isEmpty();
    assertThat(Scope.parse("launch/patient")).isEmpty();
    assertThat(Scope.parse("user_impersonation")).isEmpty();
    assertThat(Scope.parse("admin/Patient.read")).isEmpty();
    assertThat(Scope.parse("system/patient.read")).as("types start upper-case").isEmpty();
  }

  @Test
  void aBroaderScopeIncludesANarrowerOneOfTheSameContext() {
    Scope all = Scope.parse("system/*.cruds").orElseThrow();

    assertThat(all.includes(Scope.parse("system/Observation.rs").orElseThrow())).isTrue();
    assertThat(all.includes(Scope.parse("system/Observation.rs?category=laboratory").orElseThrow())).isTrue();
    assertThat(all.includes(Scope.parse("patient/Observation.rs").orElseThrow())).isFalse();
    assertThat(Scope.parse("system/Observation.rs?category=laboratory").orElseThrow()
        .includes(Scope.parse("system/Observation.rs").orElseThrow())).isFalse();
    assertThat(Scope.parse("system/Observation.r").orElseThrow()
        .includes(Scope.parse("system/Observation.rs").orElseThrow())).isFalse();
  }

  @Test
  void aGranularScopeThatCannotBeReadWhollyGrantsNothingRatherThanMore() {
    assertThat(Scope.parse("patient/Observation.rs?category")).as("no value: not the whole type").isEmpty();
    assertThat(Scope.parse("patient/Observation.rs?=laboratory")).isEmpty();
    assertThat(Scope.parse("patient/Observation.rs?category=%zz")).as("not percent-encoded").isEmpty();
    assertThat(Scope.parse("patient/Observation.rs?category=laboratory&category=vital-signs"))
        .as("both at once, not the last alone").isEmpty();
    assertThat(Scope.parse("patient/Observation.rs?")).as("no parameter: the whole type")
        .isEqualTo(Scope.parse("patient/Observation.rs"));
  }
}
