package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.client.Jackson;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.IdentityProvider;
import io.brazier.proxy.SecuredServer;
import io.brazier.proxy.SecuredServer.Answer;
import io.brazier.proxy.SecurityConfig;
import io.brazier.proxy.auth.TokenUrls;
import io.brazier.server.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built-in token server through HTTP: client secrets, signed client assertions, the Azure AD v1 form. */
class TokenServerTest {
  private static final String SECRET = "a-secret-of-sixteen-or-more";
  private static final SecuredServer secured = SecuredServer.shared();
  private static final ECKey BACKEND_KEY = IdentityProvider.ecKey();
  private static final String READER = "reader-" + UUID.randomUUID();
  private static final String SCOPED = "scoped-" + UUID.randomUUID();
  private static final String BACKEND = "backend-" + UUID.randomUUID();

  private final Http http = secured.http();

  @BeforeAll
  static void registerClients() {
    secured.clients().add(ClientRegistration.withSecret(READER, SECRET, List.of("Reader"), List.of(), null));
    secured.clients().add(ClientRegistration.withSecret(SCOPED, SECRET, List.of(),
        List.of("system/Patient.rs", "system/Observation.cruds"), "Practitioner/12"));
    secured.clients().add(new ClientRegistration(BACKEND, null, null, new JWKSet(BACKEND_KEY.toPublicJWK())
        .toJSONObject(), List.of(), List.of("system/*.rs"), null));
  }

  @Test
  void aClientWithItsSecretInTheFormGetsABearerTokenThatReads() {
    Answer answer = token("client_id=" + READER + "&client_secret=" + SECRET);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("token_type").asText()).isEqualTo("Bearer");
    assertThat(answer.json().get("expires_in").asInt()).isEqualTo(300);
    assertThat(answer.headers().get("cache-control")).containsExactly("no-store");
    String token = answer.json().get("access_token").asText();
    assertThat(http.get("/fhir/Patient", "Authorization", "Bearer " + token).status()).isEqualTo(200);
  }

  @Test
  void theTokenIsAnRs256JwtOfThisServerForItsBaseUrlSignedWithAPublishedKey() throws Exception {
    SignedJWT token = SignedJWT.parse(secured.token(SCOPED, SECRET));
    JWKSet published = JWKSet.parse(http.get("/oauth2/jwks").body());

    JWTClaimsSet claims = token.getJWTClaimsSet();
    assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(token.verify(new RSASSAVerifier(published.getKeyByKeyId(token.getHeader().getKeyID()).toRSAKey())))
        .isTrue();
    assertThat(published.getKeys()).allMatch(key -> !key.isPrivate());
    assertThat(claims.getIssuer()).isEqualTo(TokenUrls.issuer(secured.baseUrl()));
    assertThat(claims.getAudience()).containsExactly(secured.baseUrl());
    assertThat(claims.getSubject()).isEqualTo(SCOPED);
    assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(claims.getStringClaim("scope")).isEqualTo("system/Patient.rs system/Observation.cruds");
    assertThat(claims.getStringClaim("fhirUser")).isEqualTo("Practitioner/12");
  }

  @Test
  void theAnswerAlwaysSaysTheScopeGrantedEvenNone() {
    Answer answer = token("client_id=" + READER + "&client_secret=" + SECRET);

    // SMART Backend Services: scope is required in the access token response; this client's rights are its roles.
    assertThat(answer.json().has("scope")).as(answer.json().toString()).isTrue();
    assertThat(answer.json().get("scope").asText()).isEmpty();
  }

  @Test
  void aClientWithHttpBasicGetsAToken() {
    String basic = Base64.getEncoder().encodeToString((READER + ":" + SECRET).getBytes(StandardCharsets.UTF_8));

    Answer answer = secured.postForm("/oauth2/token", "grant_type=client_credentials", "Authorization",
        "Basic " + basic);

    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void aWrongSecretAndAnUnknownClientAreTheSameInvalidClient() {
    Answer wrong = token("client_id=" + READER + "&client_secret=not-" + SECRET);
    Answer unknown = token("client_id=nobody&client_secret=" + SECRET);

    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("error").asText()).isEqualTo("invalid_client");
    assertThat(unknown.json()).isEqualTo(wrong.json());
  }

  @Test
  void badTokenRequestsGetTheirOAuthErrors() {
    String basic = Base64.getEncoder().encodeToString((READER + ":" + SECRET).getBytes(StandardCharsets.UTF_8));

    assertError(secured.postForm("/oauth2/token", "grant_type=password&client_id=" + READER), 400,
        "unsupported_grant_type");
    assertError(secured.postForm("/oauth2/token", "client_id=" + READER), 400, "invalid_request");
    assertError(secured.postForm("/oauth2/token", "grant_type=client_credentials"), 401, "invalid_client");
    assertError(secured.postForm("/oauth2/token", "grant_type=client_credentials&client_secret=" + SECRET,
        "Authorization", "Basic " + basic), 400, "invalid_request");
    assertError(token("client_id=" + READER + "&client_secret=" + SECRET + "&scope=system/*.rs"), 400,
        "invalid_scope");
    assertError(token("client_id=" + READER + "&client_secret=" + SECRET + "&resource=https://elsewhere.org/fhir"),
        400, "invalid_target");
  }

  @Test
  void aTokenRequestThatIsNotAFormIsInvalid() {
    Http.Response response = http.post("/oauth2/token", "{\"grant_type\":\"client_credentials\"}",
        "Content-Type", "application/json");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("invalid_request");
  }

  @Test
  void aClientMayAskForFewerScopesThanRegistered() {
    Answer answer = token("client_id=" + SCOPED + "&client_secret=" + SECRET + "&scope=system/Observation.rs");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("scope").asText()).isEqualTo("system/Observation.rs");
  }

  @Test
  void theAzureAdV1FormIgnoresAStaleBearerHeaderAndTakesTheBaseUrlAsResource() {
    String form = "grant_type=client_credentials&client_id=" + READER + "&client_secret=" + SECRET + "&resource="
        + encode(secured.baseUrl());

    Answer answer = secured.postForm("/my-tenant-id/oauth2/token", form, "Authorization", "Bearer stale.token.x");
    Answer empty = secured.postForm("/my-tenant-id/oauth2/token", form.replaceAll("&resource=.*", "&resource="));

    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
    assertThat(empty.status()).isEqualTo(200);
    String token = answer.json().get("access_token").asText();
    assertThat(http.get("/fhir/Patient", "Authorization", "Bearer " + token).status()).isEqualTo(200);
  }

  @Test
  void aBackendServiceAuthenticatesWithASignedAssertionOnce() {
    String assertion = assertion(BACKEND, BACKEND_KEY, JWSAlgorithm.ES384, tokenUrl(), Duration.ofMinutes(4));

    Answer first = assertionRequest(assertion, "system/Patient.rs");
    Answer replay = assertionRequest(assertion, "system/Patient.rs");

    assertThat(first.status()).as(first.json().toString()).isEqualTo(200);
    assertThat(first.json().get("scope").asText()).isEqualTo("system/Patient.rs");
    assertError(replay, 401, "invalid_client");
    assertThat(replay.json().get("error_description").asText()).contains("jti was used before");
  }

  @Test
  void badAssertionsAreInvalidClients() {
    ECKey stranger = IdentityProvider.ecKey();
    ECKey strangerWithOurKid = new ECKey.Builder(stranger).keyID(BACKEND_KEY.getKeyID()).build();

    assertError(assertionRequest(assertion(BACKEND, BACKEND_KEY, JWSAlgorithm.ES384, "https://elsewhere.org/token",
        Duration.ofMinutes(4)), null), 401, "invalid_client");
    assertError(assertionRequest(assertion(BACKEND, BACKEND_KEY, JWSAlgorithm.ES384, tokenUrl(),
        Duration.ofMinutes(30)), null), 401, "invalid_client");
    assertError(assertionRequest(assertion(BACKEND, BACKEND_KEY, JWSAlgorithm.ES256, tokenUrl(),
        Duration.ofMinutes(4)), null), 401, "invalid_client");
    assertError(assertionRequest(assertion(BACKEND, strangerWithOurKid, JWSAlgorithm.ES384, tokenUrl(),
        Duration.ofMinutes(4)), null), 401, "invalid_client");
    assertError(assertionRequest(assertion("nobody", BACKEND_KEY, JWSAlgorithm.ES384, tokenUrl(),
        Duration.ofMinutes(4)), null), 401, "invalid_client");
    assertError(assertionRequest("not-a-jwt", null), 401, "invalid_client");
  }

  @Test
  void aBackendServiceKeysAreFetchedFromItsRegisteredJwksUrl() {
    try (IdentityProvider keyHost = new IdentityProvider()) {
      RSAKey key = IdentityProvider.rsaKey();
      keyHost.publish(key);
      String client = "jwks-url-" + UUID.randomUUID();
      secured.clients().add(new ClientRegistration(client, null, keyHost.issuer() + "/jwks", null, List.of(),
          List.of("system/*.read"), null));

      Answer answer = eventually(() -> assertionRequest(assertion(client, key, JWSAlgorithm.RS384, tokenUrl(),
          Duration.ofMinutes(4)), null));

      assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
      assertThat(keyHost.jwksFetches()).isEqualTo(1);
    }
  }

  @Test
  void aClientAddedToTheFileOfARunningServerGetsTokensWithoutARestart() {
    String client = "late-" + UUID.randomUUID();
    secured.clients().add(ClientRegistration.withSecret(client, SECRET, List.of("Reader"), List.of(), null));

    Answer answer = eventually(() -> token("client_id=" + client + "&client_secret=" + SECRET));

    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void theSmartConfigurationIsJsonWhateverTheClientAccepts() throws Exception {
    Http.Response response = http.get("/fhir/.well-known/smart-configuration", "Accept", "application/fhir+xml");

    JsonNode configuration = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("application/json"));
    assertThat(configuration.get("token_endpoint").asText()).isEqualTo(tokenUrl());
    assertThat(configuration.get("grant_types_supported").toString()).contains("client_credentials");
    assertThat(configuration.get("token_endpoint_auth_methods_supported").toString()).contains("private_key_jwt");
    assertThat(configuration.get("token_endpoint_auth_signing_alg_values_supported").toString())
        .contains("RS384", "ES384");
    assertThat(configuration.get("capabilities").toString()).contains("client-confidential-asymmetric");
    assertThat(configuration.get("code_challenge_methods_supported").toString()).contains("S256")
        .doesNotContain("plain");
  }

  @Test
  void anAppLaunchesAgainstTheOutsideIssuerThatSignsUsersInWhileBackendClientsKeepTheBuiltInServer()
      throws Exception {
    try (SecuredServer own = SecuredServer.start(SecurityConfig.DEFAULT_TOKEN_LIFETIME)) {
      own.issuer().signUsersInAt("/login");
      own.clients().add(ClientRegistration.withSecret(READER, SECRET, List.of("Reader"), List.of(), null));

      ObjectMapper json = Jackson.MAPPER;
      JsonNode configuration = json.readTree(own.http().get("/fhir/.well-known/smart-configuration").body());
      JsonNode uris = json.readTree(own.http().get("/fhir/metadata", "Accept", "application/fhir+json").body())
          .at("/rest/0/security/extension/0/extension");
      Answer backend = eventually(() -> own.postForm("/oauth2/token", "grant_type=client_credentials&client_id="
          + READER + "&client_secret=" + SECRET));

      String issuer = own.issuer().issuer();
      assertThat(configuration.get("issuer").asText()).isEqualTo(issuer);
      assertThat(configuration.get("authorization_endpoint").asText()).isEqualTo(issuer + "/login/authorize");
      assertThat(configuration.get("token_endpoint").asText()).isEqualTo(issuer + "/login/token");
      assertThat(configuration.get("capabilities").toString()).contains("launch-standalone", "client-public");
      assertThat(uris.toString()).as("oauth-uris").contains("{\"url\":\"authorize\",\"valueUri\":\"" + issuer
          + "/login/authorize\"}", "{\"url\":\"token\",\"valueUri\":\"" + issuer + "/login/token\"}");
      assertThat(backend.status()).isEqualTo(200);
    }
  }

  @Test
  void theCapabilitiesOfAnAppLaunchAreOnlyThoseTheIssuerSaysItGives() throws Exception {
    try (SecuredServer plain = SecuredServer.start(SecurityConfig.DEFAULT_TOKEN_LIFETIME);
        SecuredServer smart = SecuredServer.start(SecurityConfig.DEFAULT_TOKEN_LIFETIME)) {
      plain.issuer().signUsersInAt("/login");
      smart.issuer().signUsersInAt("/login");
      smart.issuer().supportScopes("openid", "profile", "fhirUser", "launch/patient", "offline_access");

      JsonNode bare = smartConfiguration(plain);
      JsonNode full = smartConfiguration(smart);

      assertThat(bare.get("capabilities").toString()).contains("launch-standalone", "client-public",
          "client-confidential-symmetric", "client-confidential-asymmetric", "permission-v1", "permission-v2",
          "permission-patient", "permission-user").doesNotContain("context-standalone-patient",
          "sso-openid-connect", "permission-offline", "launch-ehr");
      assertThat(bare.get("scopes_supported").toString()).contains("\"openid\"", "patient/*.rs")
          .doesNotContain("fhirUser", "launch/patient", "offline_access");
      assertThat(full.get("capabilities").toString()).contains("launch-standalone", "context-standalone-patient",
          "sso-openid-connect", "permission-offline").doesNotContain("launch-ehr");
      assertThat(full.get("scopes_supported").toString()).contains("\"openid\"", "\"fhirUser\"",
          "\"launch/patient\"", "\"offline_access\"");
    }
  }

  @Test
  void appsLaunchAgainstTheFirstIssuerThatSignsUsersInWhereverItIsGiven() throws Exception {
    try (IdentityProvider login = new IdentityProvider()) {
      login.publish(IdentityProvider.rsaKey());
      login.signUsersInAt("/login");
      try (SecuredServer own = SecuredServer.start(login)) {
        JsonNode configuration = smartConfiguration(own);
        JsonNode uris = Jackson.MAPPER.readTree(own.http().get("/fhir/metadata", "Accept",
            "application/fhir+json").body()).at("/rest/0/security/extension/0/extension");

        assertThat(configuration.get("issuer").asText()).isEqualTo(login.issuer());
        assertThat(configuration.get("authorization_endpoint").asText()).isEqualTo(login.issuer()
            + "/login/authorize");
        assertThat(uris.toString()).as("oauth-uris").contains("{\"url\":\"token\",\"valueUri\":\""
            + login.issuer() + "/login/token\"}");
      }
    }
  }

  private static JsonNode smartConfiguration(SecuredServer server) throws Exception {
    return Jackson.MAPPER.readTree(server.http().get("/fhir/.well-known/smart-configuration").body());
  }

  private static String tokenUrl() {
    return TokenUrls.token(secured.baseUrl());
  }

  private static Answer token(String credentials) {
    return secured.postForm("/oauth2/token", "grant_type=client_credentials&" + credentials);
  }

  private static Answer assertionRequest(String assertion, String scope) {
    return secured.postForm("/oauth2/token", "grant_type=client_credentials&client_assertion_type="
        + encode(ClientAssertions.TYPE) + "&client_assertion=" + assertion + (scope == null ? "" : "&scope="
        + encode(scope)));
  }

  /** A client assertion as SMART Backend Services sign it. */
  private static String assertion(String clientId, com.nimbusds.jose.jwk.JWK key, JWSAlgorithm algorithm,
      String audience, Duration lifetime) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
        .expirationTime(Date.from(now.plus(lifetime))).jwtID(UUID.randomUUID().toString()).build();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
      jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey()));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      // ES256 with a P-384 key cannot be signed by Nimbus: sign it as ES384 and relabel the header, which is what
      // an attacker would send.
      return relabelled(clientId, key, algorithm, claims);
    }
  }

  private static String relabelled(String clientId, com.nimbusds.jose.jwk.JWK key, JWSAlgorithm algorithm,
      JWTClaimsSet claims) {
    String signed = assertion(clientId, key, JWSAlgorithm.ES384, claims.getAudience().get(0), Duration.ofMinutes(4));
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"alg\":\"" + algorithm.getName()
        + "\",\"kid\":\"" + key.getKeyID() + "\"}").getBytes(StandardCharsets.UTF_8));
    return header + signed.substring(signed.indexOf('.'));
  }

  private static void assertError(Answer answer, int status, String error) {
    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(status);
    assertThat(answer.json().get("error").asText()).isEqualTo(error);
    assertThat(answer.json().get("error_description").asText()).isNotBlank();
  }

  /**
   * Asks until the answer is 200. The server looks at the file every half second; the deadline only keeps a test
   * that would fail from hanging, so it is far longer than that, for a busy machine's slow requests.
   */
  private static Answer eventually(java.util.function.Supplier<Answer> request) {
    Instant deadline = Instant.now().plusSeconds(60);
    Answer answer = request.get();
    while (answer.status() != 200 && Instant.now().isBefore(deadline)) {
      sleep();
      answer = request.get();
    }
    return answer;
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
