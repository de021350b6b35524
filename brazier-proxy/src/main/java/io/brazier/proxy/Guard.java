package io.brazier.proxy;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.access.Rights;
import io.brazier.proxy.access.Role;
import io.brazier.proxy.auth.Challenges;
import io.brazier.proxy.auth.TokenVerifier;
import io.brazier.server.Caller;

/**
 * The check of HTTP endpoints beside the FHIR API (operator, loader, sync and admin endpoints): who sends the
 * request, by its bearer token, and whether that caller holds a role. Refusals are FhirExceptions (401, 403),
 * answered as OperationOutcomes; the caller of a refused request should get the {@link #challenge} header.
 */
public final class Guard {
  private final TokenVerifier verifier;

  Guard(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  /** The caller of a request with this {@code Authorization} header to the server at {@code baseUrl}; or a 401. */
  public Caller authenticate(String authorization, String baseUrl) {
    return verifier.verify(authorization, baseUrl);
  }

  /** The caller, who must hold {@code role} (Administrator holds them all); a 401 or 403 otherwise. */
  public Caller require(String authorization, String baseUrl, Role role) {
    Caller caller = authenticate(authorization, baseUrl);
    if (!caller.hasRole(role.title()) && !Rights.of(caller).isAdministrator()) {
      throw FhirException.forbidden("This endpoint needs the " + role.title() + " role, which the caller's token"
          + " does not carry.");
    }
    return caller;
  }

  /** The {@code WWW-Authenticate} header for a refusal of a request with this {@code Authorization} header. */
  public static String challenge(FhirException refusal, String authorization) {
    return Challenges.refusal(authorization, refusal.status(), refusal.getMessage());
  }
}
