package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.access.Role;
import io.brazier.proxy.auth.TokenVerifier;
import io.brazier.server.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The check of the endpoints beside the FHIR API, with real tokens signed by a real key: no valid token is a 401,
 * a token without the role a 403 (an Administrator holds every role), and each refusal names its challenge.
 */
class GuardTest {
  private static final String ISSUER = "https://idp.example.org/realms/brazier";
  private static final String BASE = "https://fhir.example.org/fhir";
  private static final RSAKey KEY = IdentityProvider.rsaKey();

  private final Guard guard = new Guard(new TokenVerifier(
      Map.of(ISSUER, new ImmutableJWKSet<>(new JWKSet(KEY.toPublicJWK()))),
      new ImmutableJWKSet<>(new JWKSet(IdentityProvider.rsaKey().toPublicJWK())), List.of(),
      Map.of("FHIRProxyAdmin", "Administrator"), Clock.systemUTC()));

  @Test
  void aCallerHoldingTheRoleIsLetThrough() {
    Caller caller = guard.require(bearer(claims().claim("roles", List.of("Writer"))), BASE, Role.WRITER);

    assertThat(caller.issuer()).isEqualTo(ISSUER);
    assertThat(caller.subject()).isEqualTo("operator-1");
  }

  @Test
  void anAdministratorHoldsEveryRole() {
    String administrator = bearer(claims().claim("roles", List.of("Administrator")));

    for (Role role : Role.values()) {
      assertThat(guard.require(administrator, BASE, role).subject()).as(role.title()).isEqualTo("operator-1");
    }
  }

  @Test
  void anAdministratorNamedThroughARoleAliasIsAnAdministrator() {
    String aliased = bearer(claims().claim("roles", List.of("FHIRProxyAdmin")));

    assertThat(guard.require(aliased, BASE, Role.ADMINISTRATOR).hasRole("Administrator")).isTrue();
  }

  @Test
  void aCallerWithoutTheRoleIsForbiddenAndToldWhichRoleIsNeeded() {
    String reader = bearer(claims().claim("roles", List.of("Reader")));

    assertThatThrownBy(() -> guard.require(reader, BASE, Role.ADMINISTRATOR))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining("needs the Administrator role");
  }

  @Test
  void scopesAloneOpenNoOperatorEndpoint() {
    String everything = bearer(claims().claim("scp", "system/*.* system/*.cruds"));

    assertThatThrownBy(() -> guard.require(everything, BASE, Role.ADMINISTRATOR))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void noTokenIsUnauthorizedBeforeAnyRoleIsChecked() {
    assertThatThrownBy(() -> guard.require(null, BASE, Role.READER))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void anExpiredTokenOfAnAdministratorIsUnauthorized() {
    Instant now = Instant.now();
    String expired = bearer(claims().claim("roles", List.of("Administrator"))
        .issueTime(Date.from(now.minusSeconds(900))).expirationTime(Date.from(now.minusSeconds(600))));

    assertThatThrownBy(() -> guard.require(expired, BASE, Role.ADMINISTRATOR))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void aTokenForAnotherServerIsUnauthorizedHere() {
    String administrator = bearer(claims().claim("roles", List.of("Administrator")));

    assertThatThrownBy(() -> guard.authenticate(administrator, "https://other.example.org/fhir"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void theChallengeOfA401SaysInvalidTokenAndOfA403InsufficientScope() {
    String notAToken = "Bearer not.a.jwt";
    String basic = "Basic dXNlcjpwYXNz";
    String reader = bearer(claims());
    FhirException unauthorized = catchThrowableOfType(FhirException.class,
        () -> guard.require(notAToken, BASE, Role.READER));
    FhirException anotherScheme = catchThrowableOfType(FhirException.class,
        () -> guard.require(basic, BASE, Role.READER));
    FhirException forbidden = catchThrowableOfType(FhirException.class,
        () -> guard.require(reader, BASE, Role.READER));

    assertThat(Guard.challenge(unauthorized, notAToken))
        .startsWith("Bearer realm=\"brazier\", error=\"invalid_token\"").contains("error_description=\"");
    assertThat(Guard.challenge(anotherScheme, basic)).isEqualTo("Bearer realm=\"brazier\"");
    assertThat(Guard.challenge(forbidden, reader))
        .startsWith("Bearer realm=\"brazier\", error=\"insufficient_scope\"").contains("Reader role");
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).audience(BASE).subject("operator-1")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
  }

  private static String bearer(JWTClaimsSet.Builder claims) {
    return "Bearer " + IdentityProvider.sign(KEY, claims.build());
  }
}
