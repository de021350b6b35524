package io.brazier.proxy.auth;

import java.util.List;

/**
 * Where a SMART app that signs a user in gets its token, as an outside OpenID Connect issuer's discovery document
 * says: the authorization and token endpoints, the issuer and its keys, the grant types and the ways a client
 * authenticates at the token endpoint (the defaults of OpenID Connect discovery when the document names none), and
 * the scopes it names ({@code scopes_supported}; none when it names none).
 */
public record LaunchEndpoints(String issuer, String authorization, String token, String jwks,
    List<String> grantTypes, List<String> authMethods, List<String> scopes) {

  public LaunchEndpoints {
    grantTypes = List.copyOf(grantTypes);
    authMethods = List.copyOf(authMethods);
    scopes = List.copyOf(scopes);
  }
}
