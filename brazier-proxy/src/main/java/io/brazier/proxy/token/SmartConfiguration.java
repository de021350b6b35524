package io.brazier.proxy.token;

import io.brazier.proxy.auth.TokenUrls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code [base]/.well-known/smart-configuration}: how a SMART client gets a token here. This server grants
 * client_credentials (SMART Backend Services, and a client secret), so it names no authorization endpoint and no
 * response type.
 * https://hl7.org/fhir/smart-app-launch/conformance.html
 */
final class SmartConfiguration {
  private SmartConfiguration() {}

  static Map<String, Object> of(String baseUrl) {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("issuer", TokenUrls.issuer(baseUrl));
    configuration.put("jwks_uri", TokenUrls.jwks(baseUrl));
    configuration.put("token_endpoint", TokenUrls.token(baseUrl));
    configuration.put("grant_types_supported", List.of("client_credentials"));
    configuration.put("token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
    configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
    configuration.put("scopes_supported", List.of("system/*.rs", "system/*.cruds", "system/*.read", "system/*.write",
        "user/*.rs", "user/*.cruds", "user/*.read", "user/*.write", "patient/*.rs", "patient/*.cruds",
        "patient/*.read", "patient/*.write"));
    configuration.put("code_challenge_methods_supported", List.of("S256"));
    configuration.put("capabilities", List.of("client-confidential-symmetric", "client-confidential-asymmetric",
        "permission-v1", "permission-v2", "permission-patient", "permission-user"));
    return configuration;
  }
}
