package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scopes a token gets: what the client asked for, each within what it registered, or all it registered. */
class GrantedScopesTest {
  private static final List<String> REGISTERED = List.of("system/*.rs", "system/Observation.cruds",
      "system/Condition.rs?category=problem-list-item");

  @Test
  void askingForNothingGrantsEverythingRegistered() {
    assertThat(GrantedScopes.of(null, REGISTERED)).isEqualTo(REGISTERED);
    assertThat(GrantedScopes.of("  ", REGISTERED)).isEqualTo(REGISTERED);
  }

  @Test
  void eachScopeAskedForIsGrantedWhenARegisteredOneIncludesIt() {
    assertThat(GrantedScopes.of(" system/Patient.r   system/Observation.cud ", REGISTERED))
        .containsExactly("system/Patient.r", "system/Observation.cud");
    assertThat(GrantedScopes.of("system/Observation.rs?category=laboratory", REGISTERED))
        .as("narrower than system/*.rs").containsExactly("system/Observation.rs?category=laboratory");
    assertThat(GrantedScopes.of("system.Patient.read", REGISTERED)).as("Entra's form")
        .containsExactly("system.Patient.read");
  }

  @Test
  void oneScopeOutsideRefusesTheRequestNamingIt() {
    assertThatThrownBy(() -> GrantedScopes.of("system/Patient.rs system/Patient.c patient/*.rs", REGISTERED))
        .isInstanceOfSatisfying(OAuthError.class, e -> assertThat(e.error()).isEqualTo("invalid_scope"))
        .hasMessageContaining("system/Patient.c patient/*.rs").hasMessageNotContaining("system/Patient.rs;");
    assertThatThrownBy(() -> GrantedScopes.of("system/Condition.rs", List.of(
        "system/Condition.rs?category=problem-list-item")))
        .as("wider than the granular scope registered").isInstanceOf(OAuthError.class);
  }

  @Test
  void scopesThatAreNotClinicalAreNotGrantedByAClinicalOne() {
    assertThatThrownBy(() -> GrantedScopes.of("openid", REGISTERED)).isInstanceOf(OAuthError.class);
    assertThatThrownBy(() -> GrantedScopes.of("system/Patient.rs", List.of()))
        .hasMessageContaining("its scopes are none");
  }
}
