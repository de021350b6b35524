package io.brazier.proxy.auth;

import io.brazier.server.Caller;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;

/**
 * Authentication of every request that comes over HTTP: its bearer token must be valid ({@link TokenVerifier}), or
 * it is refused with 401 and a {@code WWW-Authenticate: Bearer} challenge before anything else runs.
 * Only the CapabilityStatement is open, as SMART clients read it to find the token endpoint. Bundle entries carry
 * their bundle's caller, and a module of this process sends requests as a caller of its own: both are known.
 */
public final class Authentication implements Interceptor {
  private final TokenVerifier verifier;

  public Authentication(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    if (!cameOverHttp(request) || request.interaction() == FhirInteraction.CAPABILITIES) {
      return request;
    }
    return request.withCaller(verifier.verify(request.header("Authorization"), request.baseUrl()));
  }

  /** HTTP requests come anonymous; entries and in-process requests carry who sends them. */
  private static boolean cameOverHttp(FhirRequest request) {
    Caller caller = request.caller();
    return !request.isEntry() && caller.isAnonymous() && caller.source() == null;
  }

  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (request.isEntry()) {
      return response;
    }
    if (response.status() == 401 || response.status() == 403) {
      response.header("WWW-Authenticate", Challenges.refusal(request.header("Authorization"), response.status(),
          Challenges.diagnostics(response)));
    }
    return response;
  }
}
