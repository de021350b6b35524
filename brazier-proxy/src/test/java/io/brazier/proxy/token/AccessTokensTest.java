package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.MutableClock;
import io.brazier.proxy.ProxyDatabase;
import io.brazier.proxy.auth.TokenUrls;
import io.brazier.proxy.auth.TokenVerifier;
import io.brazier.server.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The token server's access tokens, signed with the real signing keys of the shared database and read back by the
 * verifier every request passes: who the client is, what it was granted, for which server, and for how long.
 */
class AccessTokensTest {
  private static final String BASE = "https://fhir.example.org/fhir";
  private static final Duration LIFETIME = Duration.ofMinutes(5);
  private static final SigningKeys KEYS = new SigningKeys(ProxyDatabase.migrated(), Clock.systemUTC(),
      Duration.ofDays(1), LIFETIME);

  private final AccessTokens tokens = new AccessTokens(KEYS, Clock.systemUTC(), LIFETIME);
  private final TokenVerifier verifier = new TokenVerifier(Map.of(), KEYS, List.of(), Map.of(), Clock.systemUTC());

  @Test
  void theServerReadsTheTokenAsTheClientWithWhatItWasGranted() {
    ClientRegistration client = client(List.of("Reader"), List.of("system/Observation.rs"), "Practitioner/12");

    String token = tokens.issue(TokenUrls.issuer(BASE), BASE, client, List.of("system/Observation.rs"));
    Caller caller = verifier.verify("Bearer " + token, BASE);

    assertThat(caller.subject()).isEqualTo("backend");
    assertThat(caller.clientId()).isEqualTo("backend");
    assertThat(caller.issuer()).isEqualTo(TokenUrls.issuer(BASE));
    assertThat(caller.roles()).containsExactly("Reader");
    assertThat(caller.scopes()).containsExactly("system/Observation.rs");
    assertThat(caller.fhirUser()).isEqualTo("Practitioner/12");
  }

  @Test
  void theTokenIsAnRs256JwtNamingTheActiveKeyAndLivingTheLifetime() throws Exception {
    SignedJWT token = SignedJWT.parse(tokens.issue(TokenUrls.issuer(BASE), BASE, client(List.of(), List.of(), null),
        List.of()));
    JWTClaimsSet claims = token.getJWTClaimsSet();

    assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(token.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(token.getHeader().getKeyID()).isEqualTo(KEYS.signing().getKeyID());
    assertThat(claims.getAudience()).containsExactly(BASE);
    assertThat(claims.getNotBeforeTime()).isEqualTo(claims.getIssueTime());
    assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
        .isEqualTo(LIFETIME);
  }

  @Test
  void aClientGrantedNothingGetsNoRoleScopeOrFhirUserClaims() throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(tokens.issue(TokenUrls.issuer(BASE), BASE, client(List.of(), List.of(),
        null), List.of())).getJWTClaimsSet();

    assertThat(claims.getClaims()).doesNotContainKeys("roles", "scope", "fhirUser");
    assertThat(claims.getStringClaim("client_id")).isEqualTo("backend");
  }

  @Test
  void eachTokenHasItsOwnId() throws Exception {
    ClientRegistration client = client(List.of("Reader"), List.of(), null);

    String first = SignedJWT.parse(tokens.issue(TokenUrls.issuer(BASE), BASE, client, List.of())).getJWTClaimsSet()
        .getJWTID();
    String second = SignedJWT.parse(tokens.issue(TokenUrls.issuer(BASE), BASE, client, List.of())).getJWTClaimsSet()
        .getJWTID();

    assertThat(first).isNotBlank().isNotEqualTo(second);
  }

  @Test
  void aTokenForAnotherServerIsRefusedHere() {
    String other = "https://other.example.org/fhir";
    String token = tokens.issue(TokenUrls.issuer(other), other, client(List.of("Administrator"), List.of(), null),
        List.of());

    assertThatThrownBy(() -> verifier.verify("Bearer " + token, BASE))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void aTokenPastItsLifetimeIsRefused() {
    AccessTokens earlier = new AccessTokens(KEYS, new MutableClock(Instant.now().minus(Duration.ofMinutes(10))),
        LIFETIME);
    String token = earlier.issue(TokenUrls.issuer(BASE), BASE, client(List.of("Administrator"), List.of(), null),
        List.of());

    assertThatThrownBy(() -> verifier.verify("Bearer " + token, BASE))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(401))
        .hasMessageContaining("xpired");
  }

  private static ClientRegistration client(List<String> roles, List<String> scopes, String fhirUser) {
    return new ClientRegistration("backend", SecretHash.of("s3cret-value"), null, null, roles, scopes, fhirUser);
  }
}
