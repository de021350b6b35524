package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.ClientsFile;
import io.brazier.proxy.IdentityProvider;
import io.brazier.proxy.ProxyDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code private_key_jwt} as SMART Backend Services have it: an assertion signed RS384 or ES384 with a key the
 * client registered, for this token endpoint, expiring soon, used once. Every other assertion is an
 * {@code invalid_client} (401) that says what is wrong with it.
 */
class ClientAssertionsTest {
  private static final String ENDPOINT = "https://fhir.example/oauth2/token";
  private static final ECKey EC = IdentityProvider.ecKey();
  private static final RSAKey RSA = IdentityProvider.rsaKey();
  private static final String JWKS_URL = "https://keys.example/jwks.json";

  @TempDir
  Path folder;

  private ClientAssertions assertions;
  private final String ecClient = "ec-" + UUID.randomUUID();
  private final String rsaClient = "rsa-" + UUID.randomUUID();
  private final String urlClient = "url-" + UUID.randomUUID();
  private final String secretClient = "secret-" + UUID.randomUUID();

  @BeforeEach
  void register() {
    ClientsFile file = new ClientsFile(folder.resolve("clients.json"));
    file.add(withKeys(ecClient, EC));
    file.add(withKeys(rsaClient, RSA));
    file.add(new ClientRegistration(urlClient, null, JWKS_URL, null, List.of("Reader"), List.of(), null));
    file.add(ClientRegistration.withSecret(secretClient, "a-secret-of-sixteen-or-more", List.of("Reader"),
        List.of(), null));
    Clock clock = Clock.systemUTC();
    assertions = new ClientAssertions(new RegisteredClients(file, clock),
        new ClientKeys(new DefaultResourceRetriever(1_000, 1_000), clock),
        new AssertionLedger(ProxyDatabase.migrated(), clock), clock);
  }

  @Test
  void anAssertionSignedWithARegisteredKeyProvesItsClientOnce() {
    String es384 = sign(EC, JWSAlgorithm.ES384, claims(ecClient));
    String rs384 = sign(RSA, JWSAlgorithm.RS384, claims(rsaClient));

    assertThat(assertions.authenticate(es384, ecClient, Set.of(ENDPOINT)).id()).isEqualTo(ecClient);
    assertThat(assertions.authenticate(rs384, null, Set.of(ENDPOINT)).id()).isEqualTo(rsaClient);
    assertRefused(es384, ecClient, "jti was used before");
  }

  @Test
  void onlyRs384AndEs384AreTakenAndTheHeaderMustNameTheKey() {
    assertRefused(sign(RSA, JWSAlgorithm.RS256, claims(rsaClient)), rsaClient, "signed RS256");
    assertRefused(signed(new JWSHeader.Builder(JWSAlgorithm.ES384).build(), EC, claims(ecClient)), ecClient,
        "names no key");
    assertRefused("not.a.jwt", ecClient, "not a signed JWT");
  }

  @Test
  void anAssertionSignedWithAnotherKeyThanTheRegisteredOneIsNotValid() {
    ECKey stranger = IdentityProvider.ecKey();
    ECKey sameIdOtherKey = new ECKey.Builder(stranger).keyID(EC.getKeyID()).build();

    assertRefused(sign(sameIdOtherKey, JWSAlgorithm.ES384, claims(ecClient)), ecClient, "not valid");
  }

  @Test
  void itsClaimsMustNameTheClientThisEndpointAndAnExpiryWithinFiveMinutes() {
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(ecClient).audience("https://elsewhere.example/token")),
        ecClient, "not valid");
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(ecClient).subject("someone-else")), ecClient, "not valid");
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(ecClient).expirationTime(Date.from(Instant.now()
        .plusSeconds(600)))), ecClient, "more than five minutes ahead");
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(ecClient).expirationTime(Date.from(Instant.now()
        .minusSeconds(120)))), ecClient, "not valid");
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(ecClient).jwtID(null)), ecClient, "not valid");
  }

  @Test
  void anIssueTimeWithinTheSkewIsAcceptedAndBeyondItRefused() {
    Instant now = Instant.now();

    assertThat(assertions.authenticate(sign(EC, JWSAlgorithm.ES384, claims(ecClient).issueTime(Date.from(now
        .plusSeconds(30)))), ecClient, Set.of(ENDPOINT)).id()).isEqualTo(ecClient);
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(ecClient).issueTime(Date.from(now.plusSeconds(120)))), ecClient,
        "issued in the future");
  }

  @Test
  void itsIssuerMustBeTheFormsClientAndARegisteredOneWithKeys() {
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(ecClient)), rsaClient, "iss must be the client id");
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims("nobody-" + UUID.randomUUID())), null, "is not registered");
    assertRefused(sign(EC, JWSAlgorithm.ES384, claims(secretClient)), secretClient, "has no registered keys");
  }

  @Test
  void aJkuOtherThanTheRegisteredJwksUrlIsRefusedBeforeAnyKeyIsFetched() {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(EC.getKeyID())
        .jwkURL(URI.create("https://attacker.example/jwks.json")).build();

    assertRefused(signed(header, EC, claims(urlClient)), urlClient, "jku is not the JWKS URL registered");
  }

  private void assertRefused(String assertion, String clientId, String because) {
    assertThatThrownBy(() -> assertions.authenticate(assertion, clientId, Set.of(ENDPOINT)))
        .isInstanceOfSatisfying(OAuthError.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.error()).isEqualTo("invalid_client");
        }).hasMessageContaining(because);
  }

  private static ClientRegistration withKeys(String id, JWK key) {
    return new ClientRegistration(id, null, null, new JWKSet(key.toPublicJWK()).toJSONObject(), List.of("Reader"),
        List.of(), null);
  }

  private static JWTClaimsSet.Builder claims(String client) {
    return new JWTClaimsSet.Builder().issuer(client).subject(client).audience(ENDPOINT)
        .expirationTime(Date.from(Instant.now().plusSeconds(240))).jwtID(UUID.randomUUID().toString());
  }

  private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) {
    return signed(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), key, claims);
  }

  private static String signed(JWSHeader header, JWK key, JWTClaimsSet.Builder claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims.build());
      jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
