package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.auth.LaunchEndpoints;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a SMART client is told: the built-in token server's client_credentials alone, or, when an outside issuer
 * signs users in, that issuer's endpoints with the authorization code grant and PKCE, and only the kinds of client
 * the issuer's token endpoint takes. https://hl7.org/fhir/smart-app-launch/conformance.html
 */
class SmartConfigurationTest {
  private static final LaunchEndpoints ENTRA = new LaunchEndpoints("https://login.example.org/tenant/v2.0",
      "https://login.example.org/tenant/oauth2/v2.0/authorize", "https://login.example.org/tenant/oauth2/v2.0/token",
      "https://login.example.org/tenant/discovery/v2.0/keys", List.of("authorization_code", "implicit",
      "refresh_token", "client_credentials"), List.of("client_secret_post", "client_secret_basic"),
      List.of("openid", "profile", "email", "offline_access"));

  @Test
  void offersOnlyWhatTheTokenServerGrantsWithAbsoluteUrls() {
    Map<String, Object> configuration = SmartConfiguration.of("https://fhir.example/fhir", Optional.empty());

    assertThat(configuration).containsEntry("token_endpoint", "https://fhir.example/oauth2/token")
        .containsEntry("jwks_uri", "https://fhir.example/oauth2/jwks")
        .containsEntry("grant_types_supported", List.of("client_credentials"))
        .containsEntry("code_challenge_methods_supported", List.of("S256"))
        .containsEntry("introspection_endpoint", "https://fhir.example/oauth2/introspect");
    // No authorization endpoint, so no response type: "token" would offer the implicit grant.
    assertThat(configuration).doesNotContainKeys("authorization_endpoint", "response_types_supported");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anOutsideIssuerThatSignsUsersInIsWhereAnAppLaunches() {
    Map<String, Object> configuration = SmartConfiguration.of("https://fhir.example/fhir", Optional.of(ENTRA));

    assertThat(configuration).containsEntry("issuer", "https://login.example.org/tenant/v2.0")
        .containsEntry("jwks_uri", "https://login.example.org/tenant/discovery/v2.0/keys")
        .containsEntry("authorization_endpoint", "https://login.example.org/tenant/oauth2/v2.0/authorize")
        .containsEntry("token_endpoint", "https://login.example.org/tenant/oauth2/v2.0/token")
        .containsEntry("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"))
        .containsEntry("response_types_supported", List.of("code"))
        .containsEntry("code_challenge_methods_supported", List.of("S256"))
        .containsEntry("token_endpoint_auth_methods_supported", List.of("client_secret_post", "client_secret_basic"))
        .containsEntry("introspection_endpoint", "https://fhir.example/oauth2/introspect");
    assertThat((List<Object>) configuration.get("scopes_supported")).contains("openid", "offline_access",
        "patient/*.rs", "user/*.cruds");
    assertThat((List<Object>) configuration.get("capabilities")).contains("launch-standalone", "client-public",
        "client-confidential-symmetric", "permission-offline", "permission-v2", "permission-patient")
        .doesNotContain("client-confidential-asymmetric");
  }

  @Test
  @SuppressWarnings("unchecked")
  void whatOnlyTheIssuerCanGiveIsOfferedWhenItNamesTheScope() {
    LaunchEndpoints plain = new LaunchEndpoints(ENTRA.issuer(), ENTRA.authorization(), ENTRA.token(), ENTRA.jwks(),
        List.of("authorization_code"), ENTRA.authMethods(), List.of("openid", "offline_access"));
    LaunchEndpoints smart = new LaunchEndpoints(ENTRA.issuer(), ENTRA.authorization(), ENTRA.token(), ENTRA.jwks(),
        ENTRA.grantTypes(), ENTRA.authMethods(), List.of("openid", "fhirUser", "launch/patient", "offline_access"));

    Map<String, Object> bare = SmartConfiguration.of("https://fhir.example/fhir", Optional.of(plain));
    Map<String, Object> full = SmartConfiguration.of("https://fhir.example/fhir", Optional.of(smart));

    // offline_access without refresh tokens would be a promise the issuer does not keep
    assertThat((List<Object>) bare.get("scopes_supported")).doesNotContain("fhirUser", "launch/patient",
        "offline_access");
    assertThat((List<Object>) bare.get("capabilities")).doesNotContain("context-standalone-patient",
        "sso-openid-connect", "permission-offline", "launch-ehr");
    assertThat((List<Object>) full.get("scopes_supported")).contains("fhirUser", "launch/patient", "offline_access");
    assertThat((List<Object>) full.get("capabilities")).contains("context-standalone-patient", "sso-openid-connect",
        "permission-offline").doesNotContain("launch-ehr");
  }
}
