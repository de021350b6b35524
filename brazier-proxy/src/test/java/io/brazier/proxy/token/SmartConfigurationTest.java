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
      "refresh_token", "client_credentials"), List.of("client_secret_post", "client_secret_basic"));

  @Test
  void offersOnlyWhatTheTokenServerGrantsWithAbsoluteUrls() {
    Map<String, Object> configuration = SmartConfiguration.of("https://fhir.example/fhir", Optional.empty());

    assertThat(configuration).containsEntry("token_endpoint", "https://fhir.example/oauth2/token")
        .containsEntry("jwks_uri", "https://fhir.example/oauth2/jwks")
        .containsEntry("grant_types_supported", List.of("client_credentials"))
        .containsEntry("code_challenge_methods_supported", List.of("S256"));
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
        .containsEntry("token_endpoint_auth_methods_supported", List.of("client_secret_post", "client_secret_basic"));
    assertThat((List<Object>) configuration.get("scopes_supported")).contains("openid", "fhirUser", "launch/patient",
        "patient/*.rs", "user/*.cruds");
    assertThat((List<Object>) configuration.get("capabilities")).contains("launch-standalone", "client-public",
        "client-confidential-symmetric", "context-standalone-patient", "sso-openid-connect", "permission-v2",
        "permission-patient").doesNotContain("client-confidential-asymmetric");
  }
}
