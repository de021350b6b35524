package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.client.Jackson;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.SecuredServer;
import io.brazier.proxy.SecuredServer.Answer;
import io.brazier.proxy.auth.TokenUrls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token introspection through HTTP (RFC 7662, as SMART asks it): an Administrator's bearer token asks what a token
 * of the built-in token server or of a trusted issuer grants; any other token is inactive, and saying nothing more.
 * https://hl7.org/fhir/smart-app-launch/token-introspection.html
 */
class TokenIntrospectionTest {
  private static final String SECRET = "a-secret-of-sixteen-or-more";
  private static final SecuredServer secured = SecuredServer.shared();
  private static final String KIOSK = "kiosk-" + UUID.randomUUID();
  private static final String READER = "reader-" + UUID.randomUUID();

  @BeforeAll
  static void registerClients() {
    secured.clients().add(ClientRegistration.withSecret(KIOSK, SECRET, List.of(), List.of("patient/*.rs"),
        "Patient/kiosk-7"));
    secured.clients().add(ClientRegistration.withSecret(READER, SECRET, List.of("Reader"), List.of(), null));
  }

  @Test
  void theSmartConfigurationNamesTheIntrospectionEndpoint() throws Exception {
    JsonNode configuration = Jackson.MAPPER.readTree(secured.http().get("/fhir/.well-known/smart-configuration")
        .body());

    assertThat(configuration.get("introspection_endpoint").asText())
        .isEqualTo(TokenUrls.root(secured.baseUrl()) + "/oauth2/introspect");
  }

  @Test
  void aTokenOfTheBuiltInServerSaysItsScopeClientExpiryAndPatient() throws Exception {
    String token = secured.tokenOfNewClient(KIOSK, SECRET);
    JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();

    Answer answer = introspect(token, administrator());

    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
    assertThat(answer.headers().get("cache-control")).containsExactly("no-store");
    JsonNode json = answer.json();
    assertThat(json.get("active").asBoolean()).isTrue();
    assertThat(json.get("scope").asText()).isEqualTo("patient/*.rs");
    assertThat(json.get("client_id").asText()).isEqualTo(KIOSK);
    assertThat(json.get("exp").asLong()).isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
    assertThat(json.get("patient").asText()).isEqualTo("kiosk-7");
    assertThat(json.get("fhirUser").asText()).isEqualTo("Patient/kiosk-7");
    assertThat(json.get("iss").asText()).isEqualTo(TokenUrls.issuer(secured.baseUrl()));
    assertThat(json.get("sub").asText()).isEqualTo(KIOSK);
    assertThat(json.get("token_type").asText()).isEqualTo("Bearer");
  }

  @Test
  void aTokenOfATrustedIssuerIsIntrospectedToo() {
    JWTClaimsSet claims = secured.issuer().claims(secured.baseUrl()).claim("azp", "portal")
        .claim("scope", "launch/patient patient/Observation.rs").claim("patient", "p-12").build();

    Answer answer = introspect(secured.sign(claims), administrator());

    assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
    assertThat(answer.json().get("active").asBoolean()).isTrue();
    assertThat(answer.json().get("scope").asText()).isEqualTo("launch/patient patient/Observation.rs");
    assertThat(answer.json().get("client_id").asText()).isEqualTo("portal");
    assertThat(answer.json().get("patient").asText()).isEqualTo("p-12");
    assertThat(answer.json().get("exp").asLong()).isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
  }

  @Test
  void anExpiredForeignOrMalformedTokenIsInactiveAndNothingMore() {
    Instant past = Instant.now().minusSeconds(600);
    String expired = secured.sign(secured.issuer().claims(secured.baseUrl()).issueTime(Date.from(past))
        .expirationTime(Date.from(past.plusSeconds(60))).build());
    String forAnotherServer = secured.sign(secured.issuer().claims("https://elsewhere.example/fhir").build());

    for (String token : List.of(expired, forAnotherServer, "not-a-jwt")) {
      Answer answer = introspect(token, administrator());

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().toString()).isEqualTo("{\"active\":false}");
    }
  }

  @Test
  void onlyAnAdministratorsBearerTokenMayIntrospect() {
    String token = secured.tokenOfNewClient(READER, SECRET);

    Answer anonymous = introspect(token, null);
    Answer reader = introspect(token, "Bearer " + token);

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.headers().get("www-authenticate")).singleElement().asString().startsWith("Bearer");
    assertThat(anonymous.json().get("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(reader.status()).isEqualTo(403);
    assertThat(reader.json().get("resourceType").asText()).isEqualTo("OperationOutcome");
  }

  @Test
  void aRequestWithoutATokenToIntrospectIsABadRequest() {
    Answer answer = secured.postForm("/oauth2/introspect", "token_type_hint=access_token", "Authorization",
        administrator());

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("resourceType").asText()).isEqualTo("OperationOutcome");
  }

  private static String administrator() {
    return secured.bearer(List.of("Administrator"), List.of());
  }

  private static Answer introspect(String token, String authorization) {
    String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    return authorization == null ? secured.postForm("/oauth2/introspect", form)
        : secured.postForm("/oauth2/introspect", form, "Authorization", authorization);
  }
}
