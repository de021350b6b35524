package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.IdentityProvider;
import io.brazier.proxy.SecuredServer;
import io.brazier.proxy.SecuredServer.Answer;
import io.brazier.proxy.auth.TokenUrls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint as clients get it wrong, through HTTP: every mistake an OAuth 2.0 error naming it, never a
 * token, never a 500.
 */
class TokenEndpointTest {
  private static final String SECRET = "a-secret-of-sixteen-or-more";
  private static final SecuredServer secured = SecuredServer.shared();
  private static final ECKey KEY = IdentityProvider.ecKey();
  private static final String WITH_SECRET = "endpoint-secret-" + UUID.randomUUID();
  private static final String WITH_KEY = "endpoint-key-" + UUID.randomUUID();

  @BeforeAll
  static void registerClients() {
    secured.clients().add(ClientRegistration.withSecret(WITH_SECRET, SECRET, List.of(),
        List.of("system/Observation.rs?category=laboratory"), null));
    secured.clients().add(new ClientRegistration(WITH_KEY, null, null, new JWKSet(KEY.toPublicJWK()).toJSONObject(),
        List.of(), List.of("system/*.rs"), null));
  }

  @Test
  void aScopeThatIsNotWellFormedIsAnInvalidScope() {
    Answer badEscape = token("&scope=" + encode("system/Observation.rs?category=%zz"));
    Answer repeated = token("&scope=" + encode("system/Observation.rs?category=laboratory&category=laboratory"));

    assertError(badEscape, 400, "invalid_scope");
    assertError(repeated, 400, "invalid_scope");
  }

  @Test
  void aGranularScopeMayBeAskedForAsRegisteredButNotWider() {
    Answer same = token("&scope=" + encode("system/Observation.rs?category=laboratory"));
    Answer wider = token("&scope=" + encode("system/Observation.rs"));

    assertThat(same.status()).as(same.json().toString()).isEqualTo(200);
    assertError(wider, 400, "invalid_scope");
  }

  @Test
  void aParameterSentTwiceIsAnInvalidRequest() {
    Answer answer = token("&client_id=" + WITH_SECRET);

    assertError(answer, 400, "invalid_request");
    assertThat(answer.json().get("error_description").asText()).contains("client_id");
  }

  @Test
  void basicCredentialsThatAreNotIdColonSecretAreAnInvalidClient() {
    Answer noColon = basic(Base64.getEncoder().encodeToString(WITH_SECRET.getBytes(StandardCharsets.UTF_8)));
    Answer notBase64 = basic("%%%");
    Answer badEscape = basic(Base64.getEncoder().encodeToString("a%zz:b".getBytes(StandardCharsets.UTF_8)));

    assertError(noColon, 401, "invalid_client");
    assertError(notBase64, 401, "invalid_client");
    assertError(badEscape, 401, "invalid_client");
    assertThat(noColon.headers().get("www-authenticate")).containsExactly("Basic realm=\"brazier\"");
  }

  @Test
  void basicCredentialsAndAnotherClientIdInTheFormAreAnInvalidRequest() {
    String credentials = Base64.getEncoder().encodeToString((WITH_SECRET + ":" + SECRET)
        .getBytes(StandardCharsets.UTF_8));

    Answer answer = secured.postForm("/oauth2/token", "grant_type=client_credentials&client_id=someone-else",
        "Authorization", "Basic " + credentials);

    assertError(answer, 400, "invalid_request");
  }

  @Test
  void aClientRegisteredWithKeysHasNoSecretAndAClientWithASecretNoKeys() {
    Answer secretOfAKeyClient = secured.postForm("/oauth2/token", "grant_type=client_credentials&client_id="
        + WITH_KEY + "&client_secret=" + SECRET);
    Answer assertionOfASecretClient = assertion(WITH_SECRET, null);

    assertError(secretOfAKeyClient, 401, "invalid_client");
    assertError(assertionOfASecretClient, 401, "invalid_client");
    assertThat(assertionOfASecretClient.json().get("error_description").asText()).contains("no registered keys");
  }

  @Test
  void anAssertionForAnotherClientThanTheFormsClientIdIsAnInvalidClient() {
    Answer answer = assertion(WITH_KEY, "someone-else");

    assertError(answer, 401, "invalid_client");
    assertThat(answer.json().get("error_description").asText()).contains("iss must be the client id");
  }

  @Test
  void anAssertionWithAWrongTypeOrASecretBesideIsAnInvalidRequest() {
    String signed = signed(WITH_KEY);

    Answer wrongType = secured.postForm("/oauth2/token", "grant_type=client_credentials&client_assertion_type=jwt"
        + "&client_assertion=" + signed);
    Answer withSecret = secured.postForm("/oauth2/token", "grant_type=client_credentials&client_assertion_type="
        + encode(ClientAssertions.TYPE) + "&client_assertion=" + signed + "&client_secret=" + SECRET);

    assertError(wrongType, 400, "invalid_request");
    assertError(withSecret, 400, "invalid_request");
  }

  @Test
  void aFormWithACharsetIsAForm() {
    Answer answer = secured.postForm("/oauth2/token", "grant_type=client_credentials&client_id=" + WITH_SECRET
        + "&client_secret=" + SECRET, "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");

    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
  }

  private static Answer token(String more) {
    return secured.postForm("/oauth2/token", "grant_type=client_credentials&client_id=" + WITH_SECRET
        + "&client_secret=" + SECRET + more);
  }

  private static Answer basic(String credentials) {
    return secured.postForm("/oauth2/token", "grant_type=client_credentials", "Authorization",
        "Basic " + credentials);
  }

  private static Answer assertion(String issuer, String clientId) {
    return secured.postForm("/oauth2/token", "grant_type=client_credentials&client_assertion_type="
        + encode(ClientAssertions.TYPE) + "&client_assertion=" + signed(issuer)
        + (clientId == null ? "" : "&client_id=" + clientId));
  }

  /** An assertion signed with the registered key, as SMART Backend Services make one. */
  private static String signed(String issuer) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(issuer)
        .audience(TokenUrls.token(secured.baseUrl())).expirationTime(Date.from(Instant.now().plusSeconds(240)))
        .jwtID(UUID.randomUUID().toString()).build();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(KEY.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(KEY));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertError(Answer answer, int status, String error) {
    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(status);
    assertThat(answer.json().get("error").asText()).isEqualTo(error);
    assertThat(answer.json().get("error_description").asText()).isNotBlank();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
