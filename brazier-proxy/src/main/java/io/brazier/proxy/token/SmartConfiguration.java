package io.brazier.proxy.token;

import io.brazier.proxy.auth.LaunchEndpoints;
import io.brazier.proxy.auth.TokenUrls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code [base]/.well-known/smart-configuration}: how a SMART client gets a token here. The built-in token server
 * grants client_credentials only (SMART Backend Services, and a client secret), so alone it names no authorization
 * endpoint and no response type. When an outside OpenID Connect issuer signs users in ({@code --auth-issuer}, its
 * discovery document naming an authorization endpoint), the configuration is that issuer's, so that an app can
 * launch: its endpoints, the authorization code grant with PKCE, and the scopes this server understands. What
 * depends on the issuer alone (a patient picked at launch, {@code fhirUser} in the id token, refresh tokens) is
 * offered only when its discovery document names the scope. Backend clients of the built-in token server are given
 * its URL when they are registered, so they need no discovery.
 * https://hl7.org/fhir/smart-app-launch/conformance.html
 */
final class SmartConfiguration {
  private static final List<String> SCOPES = List.of("system/*.rs", "system/*.cruds", "system/*.read",
      "system/*.write", "user/*.rs", "user/*.cruds", "user/*.read", "user/*.write", "patient/*.rs", "patient/*.cruds",
      "patient/*.read", "patient/*.write");
  private static final List<String> PERMISSIONS = List.of("permission-v1", "permission-v2", "permission-patient",
      "permission-user");
  /**
   * The scopes only the issuer can honour, and the capability each gives: {@code launch/patient} needs its patient
   * picker and {@code patient} in its token response, {@code fhirUser} the claim in its id token,
   * {@code offline_access} its refresh tokens.
   */
  private static final List<IssuerScope> ISSUER_SCOPES = List.of(
      new IssuerScope("launch/patient", "context-standalone-patient"),
      new IssuerScope("fhirUser", "sso-openid-connect"),
      new IssuerScope("offline_access", "permission-offline"));

  private record IssuerScope(String scope, String capability) {}

  private SmartConfiguration() {}

  static Map<String, Object> of(String baseUrl, Optional<LaunchEndpoints> launch) {
    Map<String, Object> configuration = launch.map(SmartConfiguration::launching).orElseGet(() -> builtIn(baseUrl));
    // Introspection answers for the outside issuer's tokens too: it asks what this server accepts.
    configuration.put("introspection_endpoint", TokenUrls.introspection(baseUrl));
    return configuration;
  }

  private static Map<String, Object> builtIn(String baseUrl) {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("issuer", TokenUrls.issuer(baseUrl));
    configuration.put("jwks_uri", TokenUrls.jwks(baseUrl));
    configuration.put("token_endpoint", TokenUrls.token(baseUrl));
    configuration.put("grant_types_supported", List.of("client_credentials"));
    configuration.put("token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
    configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
    configuration.put("scopes_supported", SCOPES);
    configuration.put("code_challenge_methods_supported", List.of("S256"));
    List<String> capabilities = new ArrayList<>(List.of("client-confidential-symmetric",
        "client-confidential-asymmetric"));
    capabilities.addAll(PERMISSIONS);
    configuration.put("capabilities", capabilities);
    return configuration;
  }

  /** The outside issuer's endpoints; what it offers decides the grant types and the kinds of client. */
  private static Map<String, Object> launching(LaunchEndpoints launch) {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("issuer", launch.issuer());
    configuration.put("jwks_uri", launch.jwks());
    configuration.put("authorization_endpoint", launch.authorization());
    configuration.put("token_endpoint", launch.token());
    configuration.put("grant_types_supported", launch.grantTypes().stream()
        .filter(grant -> grant.equals("authorization_code") || grant.equals("client_credentials")
            || grant.equals("refresh_token")).toList());
    configuration.put("token_endpoint_auth_methods_supported", launch.authMethods());
    List<IssuerScope> offered = ISSUER_SCOPES.stream().filter(scope -> offers(launch, scope.scope())).toList();
    List<String> scopes = new ArrayList<>(List.of("openid"));
    offered.forEach(scope -> scopes.add(scope.scope()));
    scopes.addAll(SCOPES);
    configuration.put("scopes_supported", scopes);
    configuration.put("response_types_supported", List.of("code"));
    configuration.put("code_challenge_methods_supported", List.of("S256"));
    List<String> capabilities = new ArrayList<>(List.of("launch-standalone", "client-public"));
    if (launch.authMethods().contains("client_secret_basic") || launch.authMethods().contains("client_secret_post")) {
      capabilities.add("client-confidential-symmetric");
    }
    if (launch.authMethods().contains("private_key_jwt")) {
      capabilities.add("client-confidential-asymmetric");
    }
    offered.forEach(scope -> capabilities.add(scope.capability()));
    capabilities.addAll(PERMISSIONS);
    configuration.put("capabilities", capabilities);
    return configuration;
  }

  private static boolean offers(LaunchEndpoints launch, String scope) {
    return launch.scopes().contains(scope)
        && (!scope.equals("offline_access") || launch.grantTypes().contains("refresh_token"));
  }
}
