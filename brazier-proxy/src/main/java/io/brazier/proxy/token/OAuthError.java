package io.brazier.proxy.token;

/**
 * A refused token request, as OAuth 2.0 answers it (RFC 6749, section 5.2): a status, an error code and a
 * description, sent as JSON.
 */
final class OAuthError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  private OAuthError(int status, String error, String description) {
    super(description, null, false, false);
    this.status = status;
    this.error = error;
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  static OAuthError invalidRequest(String description) {
    return new OAuthError(400, "invalid_request", description);
  }

  /** The client is unknown, or did not prove it is who it says. */
  static OAuthError invalidClient(String description) {
    return new OAuthError(401, "invalid_client", description);
  }

  static OAuthError invalidScope(String description) {
    return new OAuthError(400, "invalid_scope", description);
  }

  static OAuthError unsupportedGrantType(String description) {
    return new OAuthError(400, "unsupported_grant_type", description);
  }

  /** The audience asked for ({@code resource}) is not this server (RFC 8707). */
  static OAuthError invalidTarget(String description) {
    return new OAuthError(400, "invalid_target", description);
  }
}
