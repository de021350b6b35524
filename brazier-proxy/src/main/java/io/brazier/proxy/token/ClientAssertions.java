package io.brazier.proxy.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.auth.ClaimRules;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * {@code private_key_jwt}: a client proves who it is with a JWT it signed (RS384 or ES384) with a key it
 * registered, as SMART Backend Services have it: {@code iss} and {@code sub} its client id, {@code aud} this token
 * endpoint, {@code exp} at most five minutes ahead, no {@code iat} in the future (beyond the clock skew a bearer
 * token is allowed, {@link ClaimRules}), a {@code kid} in the header, and a {@code jti} never used before. https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html
 */
final class ClientAssertions {
  static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);
  private static final Duration MOST_AHEAD = Duration.ofMinutes(5);
  private static final Duration SKEW = ClaimRules.SKEW;

  private final RegisteredClients clients;
  private final ClientKeys keys;
  private final AssertionLedger ledger;
  private final Clock clock;

  ClientAssertions(RegisteredClients clients, ClientKeys keys, AssertionLedger ledger, Clock clock) {
    this.clients = clients;
    this.keys = keys;
    this.ledger = ledger;
    this.clock = clock;
  }

  /**
   * The client an assertion proves, sent to {@code audiences} (the token endpoint's URLs); {@code clientId} is the
   * form's {@code client_id}, which must name the same client when it is given.
   */
  ClientRegistration authenticate(String assertion, String clientId, Set<String> audiences) {
    SignedJWT jwt = parse(assertion);
    JWSHeader header = jwt.getHeader();
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      throw OAuthError.invalidClient("The client assertion is signed " + header.getAlgorithm() + "; use RS384 or"
          + " ES384.");
    }
    if (header.getKeyID() == null) {
      throw OAuthError.invalidClient("The client assertion's header names no key (kid).");
    }
    ClientRegistration client = client(jwt, clientId);
    if (header.getJWKURL() != null && !header.getJWKURL().toString().equals(client.jwksUrl())) {
      throw OAuthError.invalidClient("The client assertion's jku is not the JWKS URL registered for client "
          + client.id() + ".");
    }
    JWTClaimsSet claims = verify(jwt, client, audiences);
    Instant expires = claims.getExpirationTime().toInstant();
    if (expires.isAfter(clock.instant().plus(MOST_AHEAD).plus(SKEW))) {
      throw OAuthError.invalidClient("The client assertion expires more than five minutes ahead.");
    }
    if (!ledger.firstUse(client.id(), claims.getJWTID(), expires.plus(SKEW))) {
      throw OAuthError.invalidClient("The client assertion's jti was used before: make a new assertion for every"
          + " token request.");
    }
    return client;
  }

  private static SignedJWT parse(String assertion) {
    try {
      return SignedJWT.parse(assertion);
    } catch (ParseException e) {
      throw OAuthError.invalidClient("The client assertion is not a signed JWT: " + e.getMessage());
    }
  }

  private ClientRegistration client(SignedJWT jwt, String clientId) {
    String issuer;
    try {
      issuer = jwt.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw OAuthError.invalidClient("The client assertion's claims are not valid: " + e.getMessage());
    }
    if (issuer == null || (clientId != null && !clientId.equals(issuer))) {
      throw OAuthError.invalidClient("The client assertion's iss must be the client id.");
    }
    return clients.find(issuer)
        .orElseThrow(() -> OAuthError.invalidClient("Client " + issuer + " is not registered."));
  }

  private JWTClaimsSet verify(SignedJWT jwt, ClientRegistration client, Set<String> audiences) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys.of(client)));
    processor.setJWTClaimsSetVerifier(new ClaimRules(audiences,
        new JWTClaimsSet.Builder().issuer(client.id()).subject(client.id()).build(),
        Set.of("exp", "jti", "iss", "sub", "aud")));
    try {
      return processor.process(jwt, null);
    } catch (BadJOSEException | JOSEException e) {
      throw OAuthError.invalidClient("The client assertion is not valid: " + e.getMessage() + ".");
    }
  }
}
