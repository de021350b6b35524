package io.brazier.proxy.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.brazier.proxy.ClientRegistration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Makes the access tokens of the token server: JWTs signed RS256 with the active signing key, naming this server
 * as issuer, the client as subject, the audience asked for, and what the client was granted: roles, scopes, the
 * FHIR user it acts as.
 */
final class AccessTokens {
  private final SigningKeys keys;
  private final Clock clock;
  private final Duration lifetime;

  AccessTokens(SigningKeys keys, Clock clock, Duration lifetime) {
    this.keys = keys;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  Duration lifetime() {
    return lifetime;
  }

  String issue(String issuer, String audience, ClientRegistration client, List<String> scopes) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(client.id())
        .audience(audience)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(lifetime)))
        .jwtID(UUID.randomUUID().toString())
        .claim("client_id", client.id());
    if (!scopes.isEmpty()) {
      claims.claim("scope", String.join(" ", scopes));
    }
    if (!client.roles().isEmpty()) {
      claims.claim("roles", client.roles());
    }
    if (client.fhirUser() != null) {
      claims.claim("fhirUser", client.fhirUser());
    }
    RSAKey key = keys.signing();
    SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims.build());
    try {
      token.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("A token could not be signed", e);
    }
    return token.serialize();
  }
}
