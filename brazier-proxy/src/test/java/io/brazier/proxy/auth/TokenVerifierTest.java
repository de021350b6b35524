package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.IdentityProvider;
import io.brazier.server.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens checked in process with real keys: the signing algorithms an issuer may use, the audiences and
 * addresses a token is good for, and what a token verified once still has to pass on its next requests.
 */
class TokenVerifierTest {
  private static final String ISSUER = "https://idp.example.org/realms/brazier";
  private static final String BASE = "https://fhir.example.org/fhir";
  private static final String OTHER_BASE = "https://other.example.org/fhir";
  private static final RSAKey RSA = IdentityProvider.rsaKey();
  private static final ECKey EC = IdentityProvider.ecKey();
  private static final RSAKey LOCAL = IdentityProvider.rsaKey();

  /** The issuer's published keys, which a test may take away. */
  private final AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(List.of(RSA.toPublicJWK(),
      EC.toPublicJWK())));
  private final JWKSource<SecurityContext> issuerKeys = (selector, context) -> selector.select(published.get());
  private final TokenVerifier verifier = new TokenVerifier(Map.of(ISSUER, issuerKeys),
      new ImmutableJWKSet<>(new JWKSet(LOCAL.toPublicJWK())), List.of(), Map.of("FHIRProxyReader", "Reader"),
      Clock.systemUTC());

  @Test
  void tokensSignedWithEveryPublicKeyAlgorithmOfTheIssuerAreAccepted() {
    for (JWSAlgorithm algorithm : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS512, JWSAlgorithm.PS256)) {
      Caller caller = verifier.verify("Bearer " + sign(RSA, algorithm, claims().build()), BASE);

      assertThat(caller.issuer()).as(algorithm.getName()).isEqualTo(ISSUER);
    }
    assertThat(verifier.verify("Bearer " + sign(EC, JWSAlgorithm.ES384, claims().build()), BASE).issuer())
        .isEqualTo(ISSUER);
  }

  @Test
  void theSchemeIsCaseInsensitiveAndAnAccessTokenTypeIsAJwt() {
    String token = sign(RSA, JWSAlgorithm.RS256, new JOSEObjectType("at+jwt"), claims().build());

    assertThat(verifier.verify("bearer   " + token + "  ", BASE).subject()).isEqualTo("user-1");
  }

  @Test
  void rolesOfTheIssuerAreMappedThroughTheAliases() {
    Caller caller = verifier.verify(bearer(claims().claim("roles", List.of("FHIRProxyReader", "Writer"))), BASE);

    assertThat(caller.hasRole("Reader")).isTrue();
    assertThat(caller.hasRole("Writer")).isTrue();
    assertThat(caller.hasRole("FHIRProxyReader")).isFalse();
  }

  @Test
  void anIssuerSpeltWithATrailingSlashIsTheSameIssuer() {
    assertThat(verifier.verify(bearer(claims().issuer(ISSUER + "/")), BASE).subject()).isEqualTo("user-1");
  }

  @Test
  void aTokenForSeveralAudiencesIsGoodWhereOneOfThemIsThisServer() {
    String token = bearer(claims().audience(List.of("https://elsewhere.org", BASE + "/")));

    assertThat(verifier.verify(token, BASE).subject()).isEqualTo("user-1");
    assertRefused(() -> verifier.verify(token, OTHER_BASE), "audience");
  }

  @Test
  void aTokenVerifiedOnceIsRememberedButItsAudienceIsCheckedAtEveryRequest() {
    String token = bearer(claims());
    verifier.verify(token, BASE);

    published.set(new JWKSet()); // the issuer no longer publishes the key: only the remembered token passes

    assertThat(verifier.verify(token, BASE).subject()).isEqualTo("user-1");
    assertRefused(() -> verifier.verify(token, OTHER_BASE), "audience");
  }

  @Test
  void configuredAudiencesReplaceTheBaseUrl() {
    TokenVerifier forApi = new TokenVerifier(Map.of(ISSUER, issuerKeys), new ImmutableJWKSet<>(new JWKSet()),
        List.of("api://brazier/"), Map.of(), Clock.systemUTC());

    assertThat(forApi.verify(bearer(claims().audience("api://brazier")), BASE).subject()).isEqualTo("user-1");
    assertRefused(() -> forApi.verify(bearer(claims()), BASE), "audience");
  }

  @Test
  void aTokenOfTheBuiltInIssuerIsGoodOnlyAtTheAddressItWasIssuedFor() {
    String issuer = TokenUrls.issuer(BASE);
    String token = "Bearer " + sign(LOCAL, JWSAlgorithm.RS256, claims().issuer(issuer).build());

    assertThat(verifier.verify(token, BASE).issuer()).isEqualTo(issuer);
    assertRefused(() -> verifier.verify(token, OTHER_BASE), "another address");
    assertRefused(() -> new TokenVerifier(Map.of(), new ImmutableJWKSet<>(new JWKSet(LOCAL.toPublicJWK())),
        List.of(), Map.of(), Clock.systemUTC()).verify(token, OTHER_BASE), "not trusted");
  }

  @Test
  void theBuiltInIssuerSignsRs256Only() {
    String token = "Bearer " + sign(LOCAL, JWSAlgorithm.PS256, claims().issuer(TokenUrls.issuer(BASE)).build());

    assertRefused(() -> verifier.verify(token, BASE), "not valid");
  }

  @Test
  void anIssuersKeyDoesNotVouchForTheBuiltInIssuer() {
    String token = "Bearer " + sign(RSA, JWSAlgorithm.RS256, claims().issuer(TokenUrls.issuer(BASE)).build());

    assertRefused(() -> verifier.verify(token, BASE), "not valid");
  }

  @Test
  void aTokenWithoutAnAudienceOrIssuerIsRefused() {
    assertRefused(() -> verifier.verify(bearer(claims().audience((String) null)), BASE), "audience");
    assertRefused(() -> verifier.verify(bearer(claims().issuer(null)), BASE), "not trusted");
  }

  @Test
  void aNotBeforeWithinTheSkewIsAcceptedAndBeyondItRefused() {
    Instant now = Instant.now();

    assertThat(verifier.verify(bearer(claims().notBeforeTime(Date.from(now.plusSeconds(30)))), BASE).subject())
        .isEqualTo("user-1");
    assertRefused(() -> verifier.verify(bearer(claims().notBeforeTime(Date.from(now.plusSeconds(120)))), BASE),
        "not valid");
  }

  @Test
  void anIssueTimeWithinTheSkewIsAcceptedAndBeyondItRefused() {
    Instant now = Instant.now();

    assertThat(verifier.verify(bearer(claims().issueTime(Date.from(now.plusSeconds(30)))), BASE).subject())
        .isEqualTo("user-1");
    assertRefused(() -> verifier.verify(bearer(claims().issueTime(Date.from(now.plusSeconds(120)))), BASE),
        "issued in the future");
  }

  @Test
  void aRefusedTokenIsNotRememberedAsGood() {
    String expired = bearer(claims().expirationTime(Date.from(Instant.now().minusSeconds(120))));

    assertRefused(() -> verifier.verify(expired, BASE), "Expired JWT");
    assertRefused(() -> verifier.verify(expired, BASE), "Expired JWT");
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).audience(BASE).subject("user-1").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)));
  }

  private static String bearer(JWTClaimsSet.Builder claims) {
    return "Bearer " + sign(RSA, JWSAlgorithm.RS256, claims.build());
  }

  private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    return sign(key, algorithm, JOSEObjectType.JWT, claims);
  }

  private static String sign(JWK key, JWSAlgorithm algorithm, JOSEObjectType type, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(type).build(), claims);
      jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertRefused(Runnable verification, String reason) {
    assertThatThrownBy(verification::run).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(401)).hasMessageContaining(reason);
  }
}
