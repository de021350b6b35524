package io.brazier.proxy.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.time.Duration;
import java.util.Date;
import java.util.Set;

/**
 * The time rules every JWT this server takes is held to, bearer token or client assertion: Nimbus's for {@code exp}
 * and {@code nbf}, and the same clock skew for {@code iat}, which Nimbus leaves alone: a JWT issued beyond it in the
 * future is refused.
 */
public final class ClaimRules extends DefaultJWTClaimsVerifier<SecurityContext> {
  /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
  public static final Duration SKEW = Duration.ofSeconds(60);

  /**
   * @param audiences the accepted audiences, null for any
   * @param exactMatch the claims that must have exactly these values, null for none
   * @param required the claims that must be present
   */
  public ClaimRules(Set<String> audiences, JWTClaimsSet exactMatch, Set<String> required) {
    super(audiences, exactMatch, required, null);
    setMaxClockSkew((int) SKEW.toSeconds());
  }

  @Override
  public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
    super.verify(claims, context);
    Date issued = claims.getIssueTime();
    if (issued != null && issued.toInstant().isAfter(currentTime().toInstant().plus(SKEW))) {
      throw new BadJWTException("JWT issued in the future");
    }
  }
}
