package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.proxy.IdentityProvider;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

/** Every way a bearer token can be wrong is a 401 with an OperationOutcome and a Bearer challenge. */
class AuthenticationTest {
  private final SecuredServer secured = SecuredServer.shared();
  private final Http http = secured.http();
  private final IdentityProvider issuer = secured.issuer();

  @Test
  void aValidTokenOfATrustedIssuerReads() {
    Http.Response response = http.get("/fhir/Patient", "Authorization", secured.bearer(List.of("Reader"), List.of()));

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void aRequestWithoutABearerTokenIsUnauthorizedWithAChallengeThatNamesNoError() {
    // RFC 6750 section 3.1: no error code for a request that lacks authentication, or uses another scheme
    assertThat(refusal(null, "no bearer token")).isEqualTo("Bearer realm=\"brazier\"");
    assertThat(refusal("Basic dXNlcjpwYXNz", "not 'Bearer <token>'")).isEqualTo("Bearer realm=\"brazier\"");
  }

  @Test
  void aMalformedAuthorizationIsUnauthorized() {
    refused("Bearer", "not 'Bearer <token>'");
    refused("Bearer not.a.jwt", "not a well-formed JWT");
    refused("Bearer " + "x".repeat(40), "not a well-formed JWT");
  }

  @Test
  void anUnsignedTokenIsUnauthorized() {
    String unsigned = new PlainJWT(validClaims().build()).serialize();

    refused("Bearer " + unsigned, "not signed");
  }

  @Test
  void aTokenSignedWithTheIssuersPublicKeyAsAnHmacSecretIsUnauthorized() throws Exception {
    RSAKey published = secured.issuerKey();
    byte[] publicKey = published.toPublicJWK().toRSAPublicKey().getEncoded();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
        validClaims().build());
    forged.sign(new MACSigner(publicKey));

    refused("Bearer " + forged.serialize(), "shared secret");
  }

  @Test
  void aTokenSignedWithAnotherKeyUnderAPublishedKeyIdIsUnauthorized() {
    RSAKey published = secured.issuerKey();
    RSAKey impostor = new RSAKey.Builder(IdentityProvider.rsaKey()).keyID(published.getKeyID()).build();

    refused("Bearer " + IdentityProvider.sign(impostor, validClaims().build()), "not valid");
  }

  @Test
  void aTokenNamingAnUnknownKeyIsUnauthorized() {
    refused("Bearer " + IdentityProvider.sign(IdentityProvider.rsaKey(), validClaims().build()), "not valid");
  }

  @Test
  void anExpiredTokenIsUnauthorizedBeyondAMinuteOfSkew() {
    Instant now = Instant.now();
    JWTClaimsSet expired = validClaims().issueTime(Date.from(now.minusSeconds(600)))
        .expirationTime(Date.from(now.minusSeconds(90))).build();
    JWTClaimsSet withinSkew = validClaims().expirationTime(Date.from(now.minusSeconds(20))).build();

    refused("Bearer " + sign(expired), "Expired");
    assertThat(http.get("/fhir/Patient", "Authorization", "Bearer " + sign(withinSkew)).status()).isEqualTo(200);
  }

  @Test
  void aTokenNotYetValidIsUnauthorized() {
    JWTClaimsSet early = validClaims().notBeforeTime(Date.from(Instant.now().plusSeconds(180))).build();

    refused("Bearer " + sign(early), "not valid");
  }

  @Test
  void aTokenIssuedInTheFutureIsUnauthorized() {
    JWTClaimsSet early = validClaims().issueTime(Date.from(Instant.now().plusSeconds(180))).build();

    refused("Bearer " + sign(early), "issued in the future");
  }

  @Test
  void aTokenOfAnUntrustedIssuerIsUnauthorized() {
    JWTClaimsSet stranger = validClaims().issuer("https://login.example.org/other-tenant/v2.0").build();

    refused("Bearer " + sign(stranger), "not trusted");
  }

  @Test
  void aTokenClaimingTheBuiltInIssuerButSignedByAnotherKeyIsUnauthorized() {
    JWTClaimsSet claims = validClaims().issuer(TokenUrls.issuer(secured.baseUrl())).build();

    refused("Bearer " + sign(claims), "not valid");
  }

  @Test
  void aTokenForAnotherAudienceIsUnauthorized() {
    refused("Bearer " + sign(validClaims().audience("https://other.example.org/fhir").build()), "audience");
  }

  @Test
  void aTokenWithoutExpiryIsUnauthorized() {
    refused("Bearer " + sign(validClaims().expirationTime(null).build()), "not valid");
  }

  @Test
  void aTokenOfAnotherTypeThanAJwtIsUnauthorized() throws Exception {
    RSAKey key = secured.issuerKey();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(new JOSEObjectType("logout+jwt")).build(), validClaims().build());
    jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));

    refused("Bearer " + jwt.serialize(), "not valid");
  }

  @Test
  void aValidCallerWithoutTheRightIsForbiddenWithAnInsufficientScopeChallenge() {
    String writerOnly = secured.bearer(List.of("Writer"), List.of());

    OperationOutcome outcome = http.refused(403, "GET", "/fhir/Patient", (byte[]) null, "Authorization", writerOnly);
    Http.Response response = http.get("/fhir/Patient", "Authorization", writerOnly);

    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.FORBIDDEN);
    assertThat(response.header("WWW-Authenticate")).hasValueSatisfying(challenge ->
        assertThat(challenge).startsWith("Bearer").contains("error=\"insufficient_scope\""));
  }

  @Test
  void theCapabilityStatementIsOpenAndSaysHowToGetAToken() {
    Http.Response lower = http.get("/fhir/metadata");
    Http.Response upper = http.get("/fhir/Metadata");

    assertThat(lower.status()).isEqualTo(200);
    assertThat(upper.status()).isEqualTo(200);
    var statement = lower.resource(org.hl7.fhir.r4.model.CapabilityStatement.class);
    var security = statement.getRestFirstRep().getSecurity();
    assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
    assertThat(security.getExtensionFirstRep().getExtensionByUrl("token").getValue().primitiveValue())
        .isEqualTo(TokenUrls.token(secured.baseUrl()));
  }

  @Test
  void healthIsOpenAndMetricsNeedAnAdministrator() {
    String reader = secured.bearer(List.of("Reader"), List.of());
    String administrator = secured.bearer(List.of("Administrator"), List.of());

    assertThat(http.get("/healthz").status()).isEqualTo(200);
    http.refused(401, "GET", "/metrics", (byte[]) null);
    http.refused(403, "GET", "/metrics", (byte[]) null, "Authorization", reader);
    assertThat(http.get("/metrics", "Authorization", administrator).status()).isEqualTo(200);
  }

  @Test
  void keysRotatedByTheIssuerAreFetchedForAnUnknownKeyAtMostOnceAMinute() {
    try (SecuredServer own = SecuredServer.start(Duration.ofMinutes(5))) {
      rotate(own);
    }
  }

  private static void rotate(SecuredServer own) {
    IdentityProvider rotating = own.issuer();
    assertThat(own.http().get("/fhir/Patient", "Authorization", own.bearer(List.of("Reader"), List.of())).status())
        .isEqualTo(200);
    int fetchesBefore = rotating.jwksFetches();
    RSAKey next = IdentityProvider.rsaKey();
    RSAKey afterThat = IdentityProvider.rsaKey();
    rotating.publish(next);

    int withNextKey = own.http().get("/fhir/Patient", "Authorization", "Bearer "
        + IdentityProvider.sign(next, rolesClaims(rotating, own).build())).status();
    rotating.publish(afterThat);
    int withKeyAfterThat = own.http().get("/fhir/Patient", "Authorization", "Bearer "
        + IdentityProvider.sign(afterThat, rolesClaims(rotating, own).build())).status();

    assertThat(withNextKey).as("the new key is fetched").isEqualTo(200);
    assertThat(withKeyAfterThat).as("no second fetch within a minute").isEqualTo(401);
    assertThat(rotating.jwksFetches()).isEqualTo(fetchesBefore + 1);
  }

  @Test
  void anIssuerWhoseDiscoveryNamesAnotherIssuerIsNotBelievedAndTheRequestMayBeRetried() {
    try (SecuredServer own = SecuredServer.start(Duration.ofMinutes(5))) {
      own.issuer().claimIssuer("https://impostor.example.org");

      Http.Response response = own.http().get("/fhir/Patient", "Authorization",
          own.bearer(List.of("Reader"), List.of()));

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.body()).contains("names the issuer https://impostor.example.org");
    }
  }

  private static JWTClaimsSet.Builder rolesClaims(IdentityProvider issuer, SecuredServer server) {
    return issuer.claims(server.baseUrl()).claim("roles", List.of("Reader"));
  }

  @Test
  void claimsWithLineBreaksAndQuotesCannotAddHeadersToTheRefusal() {
    String token = sign(validClaims().issuer("https://evil.example\r\nSet-Cookie: stolen=1\"").build());

    Http.Response response = http.get("/fhir/Patient", "Authorization", "Bearer " + token);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("Set-Cookie")).isEmpty();
    assertThat(response.header("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
        .doesNotContain("\r", "\n").contains("error=\"invalid_token\"").endsWith("not trusted here.\""));
  }

  private JWTClaimsSet.Builder validClaims() {
    return issuer.claims(secured.baseUrl()).claim("roles", List.of("Reader"));
  }

  /** Signs with the issuer's published key: only what the test changed in the claims can be wrong. */
  private String sign(JWTClaimsSet claims) {
    return secured.sign(claims);
  }

  private void refused(String authorization, String reason) {
    assertThat(refusal(authorization, reason)).startsWith("Bearer").contains("error=\"invalid_token\"");
  }

  /** The challenge of a request refused with 401 and an OperationOutcome giving {@code reason}. */
  private String refusal(String authorization, String reason) {
    String[] headers = authorization == null ? new String[0] : new String[] {"Authorization", authorization};

    OperationOutcome outcome = http.refused(401, "GET", "/fhir/Patient", (byte[]) null, headers);
    Http.Response response = http.get("/fhir/Patient", headers);

    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.LOGIN);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(reason);
    return response.header("WWW-Authenticate").orElseThrow();
  }
}
