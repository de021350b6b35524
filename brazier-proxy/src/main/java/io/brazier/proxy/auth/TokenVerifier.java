package io.brazier.proxy.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Checks bearer tokens: a JWT signed with a public key (RSA or EC) of a trusted issuer - one named by
 * {@code --auth-issuer}, or this server's own token server - unexpired, already valid and not issued in the future
 * (60 seconds of clock skew), for an accepted audience. Unsigned ({@code alg: none}), HMAC-signed and encrypted tokens
 * are refused whatever they say, as are keys the issuer does not publish. A token verified once is kept until it
 * expires, so that its next requests cost a map lookup, not a signature check.
 */
public final class TokenVerifier {
  private static final Duration SKEW = ClaimRules.SKEW;
  private static final int MOST_TOKENS_KEPT = 10_000;
  private static final Set<JWSAlgorithm> PUBLIC_KEY_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
      JWSAlgorithm.ES384, JWSAlgorithm.ES512);

  /** A token checked once: who it stands for, who made it, for whom, until when. */
  private record Verified(Caller caller, String issuer, boolean local, List<String> audiences, Instant expires) {}

  private final Map<String, DefaultJWTProcessor<SecurityContext>> external = new HashMap<>();
  private final DefaultJWTProcessor<SecurityContext> local;
  private final List<String> audiences;
  private final ClaimsMapping claims;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /**
   * @param issuers the trusted issuers and their keys, by issuer URL
   * @param localKeys the built-in token server's keys
   * @param audiences the accepted audiences; empty for the request's FHIR base URL
   * @param roleAliases role names of identity providers mapped to this server's ({@code FHIRProxyReader=Reader})
   */
  public TokenVerifier(Map<String, JWKSource<SecurityContext>> issuers, JWKSource<SecurityContext> localKeys,
      List<String> audiences, Map<String, String> roleAliases, Clock clock) {
    issuers.forEach((issuer, keys) -> external.put(TokenUrls.normalize(issuer),
        processor(PUBLIC_KEY_ALGORITHMS, keys)));
    this.local = processor(Set.of(JWSAlgorithm.RS256), localKeys);
    this.audiences = audiences.stream().map(TokenUrls::normalize).toList();
    this.claims = new ClaimsMapping(roleAliases);
    this.clock = clock;
  }

  private static DefaultJWTProcessor<SecurityContext> processor(Set<JWSAlgorithm> algorithms,
      JWKSource<SecurityContext> keys) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
        new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
    processor.setJWTClaimsSetVerifier(new ClaimRules(null, null, Set.of("exp", "iss")));
    return processor;
  }

  /**
   * The caller an {@code Authorization} header stands for, on a request to {@code baseUrl}; a 401 FhirException
   * saying why not (a 503 when the issuer's keys cannot be fetched).
   */
  public Caller verify(String authorization, String baseUrl) {
    return accepted(known(bearer(authorization), baseUrl), baseUrl);
  }

  /** A token this server accepts: who it stands for, until when. */
  public record Accepted(Caller caller, Instant expires) {}

  /**
   * What {@code token} stands for, if a request to {@code baseUrl} with it would be accepted now; empty if it would
   * be refused (a 503 FhirException when the issuer's keys cannot be fetched, as for a request).
   */
  public Optional<Accepted> inspect(String token, String baseUrl) {
    try {
      Verified known = known(token, baseUrl);
      return Optional.of(new Accepted(accepted(known, baseUrl), known.expires()));
    } catch (FhirException e) {
      if (e.status() == 401) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The token as checked before, while it lives; else checked now. */
  private Verified known(String token, String baseUrl) {
    Verified known = verified.get(token);
    return known != null && clock.instant().isBefore(known.expires().plus(SKEW)) ? known : check(token, baseUrl);
  }

  private static String bearer(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw refused("The request has no bearer token: send Authorization: Bearer <token>.");
    }
    String trimmed = authorization.trim();
    if (!trimmed.toLowerCase(Locale.ROOT).startsWith("bearer ") || trimmed.substring(7).isBlank()) {
      throw refused("The Authorization header is not 'Bearer <token>'.");
    }
    return trimmed.substring(7).trim();
  }

  private Verified check(String token, String baseUrl) {
    try {
      JWT jwt = JWTParser.parse(token);
      if (jwt instanceof PlainJWT) {
        throw refused("The token is not signed (alg none).");
      }
      if (!(jwt instanceof SignedJWT signed)) {
        throw refused("Encrypted tokens are not accepted.");
      }
      if (JWSAlgorithm.Family.HMAC_SHA.contains(signed.getHeader().getAlgorithm())) {
        throw refused("The token is signed with a shared secret (" + signed.getHeader().getAlgorithm()
            + "); only tokens signed with an issuer's published public key are accepted.");
      }
      String issuer = signed.getJWTClaimsSet().getIssuer();
      boolean isLocal = issuer != null && issuer.equals(TokenUrls.issuer(baseUrl));
      DefaultJWTProcessor<SecurityContext> processor = isLocal ? local
          : issuer == null ? null : external.get(TokenUrls.normalize(issuer));
      if (processor == null) {
        throw refused("The token's issuer " + issuer + " is not trusted here.");
      }
      JWTClaimsSet checked = processor.process(signed, null);
      Verified verifiedToken = new Verified(claims.caller(checked), issuer, isLocal,
          checked.getAudience().stream().map(TokenUrls::normalize).toList(), checked.getExpirationTime().toInstant());
      remember(token, verifiedToken);
      return verifiedToken;
    } catch (ParseException e) {
      throw refused("The token is not a well-formed JWT: " + e.getMessage());
    } catch (KeySourceException e) {
      throw new FhirException(503, IssueType.TRANSIENT, e.getMessage() + " Retry later.");
    } catch (BadJOSEException | JOSEException e) {
      throw refused("The token is not valid: " + e.getMessage() + ".");
    }
  }

  /** A verified token, if it is for this server and its issuer may speak for it here. */
  private Caller accepted(Verified token, String baseUrl) {
    if (token.local() && !token.issuer().equals(TokenUrls.issuer(baseUrl))) {
      throw refused("The token was issued for another address of this server: " + token.issuer() + ".");
    }
    List<String> accepted = audiences.isEmpty() ? List.of(TokenUrls.normalize(baseUrl)) : audiences;
    if (token.audiences().stream().noneMatch(accepted::contains)) {
      throw refused("The token's audience " + token.audiences() + " is not this server (" + accepted + ").");
    }
    return token.caller();
  }

  private void remember(String token, Verified checked) {
    if (verified.size() >= MOST_TOKENS_KEPT) {
      Instant now = clock.instant();
      verified.values().removeIf(known -> known.expires().plus(SKEW).isBefore(now));
      if (verified.size() >= MOST_TOKENS_KEPT) {
        verified.clear();
      }
    }
    verified.put(token, checked);
  }

  static FhirException refused(String reason) {
    return FhirException.unauthorized(reason);
  }
}
