package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmartConfigurationTest {

  @Test
  void offersOnlyWhatTheTokenServerGrantsWithAbsoluteUrls() {
    Map<String, Object> configuration = SmartConfiguration.of("https://fhir.example/fhir");

    assertThat(configuration).containsEntry("token_endpoint", "https://fhir.example/oauth2/token")
        .containsEntry("jwks_uri", "https://fhir.example/oauth2/jwks")
        .containsEntry("grant_types_supported", List.of("client_credentials"))
        .containsEntry("code_challenge_methods_supported", List.of("S256"));
    // No authorization endpoint, so no response type: "token" would offer the implicit grant.
    assertThat(configuration).doesNotContainKeys("authorization_endpoint", "response_types_supported");
  }
}
