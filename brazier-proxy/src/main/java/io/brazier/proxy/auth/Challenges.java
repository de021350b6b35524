package io.brazier.proxy.auth;

import io.brazier.server.FhirResponse;
import org.hl7.fhir.r4.model.OperationOutcome;

/** {@code WWW-Authenticate} challenges of refused requests (RFC 6750, section 3). */
public final class Challenges {
  private Challenges() {}

  private static final String REALM = "Bearer realm=\"brazier\"";

  /**
   * The challenge of a request refused with {@code status} whose {@code Authorization} header was
   * {@code authorization}: a right missing (403) is {@code insufficient_scope}; a bearer token not accepted is
   * {@code invalid_token}; a request with no bearer token at all gets no error code, as it did not try
   * (section 3.1).
   */
  public static String refusal(String authorization, int status, String description) {
    if (status == 403) {
      return bearer("insufficient_scope", description);
    }
    return hasBearer(authorization) ? bearer("invalid_token", description) : REALM;
  }

  private static boolean hasBearer(String authorization) {
    return authorization != null && authorization.trim().split("\\s+", 2)[0].equalsIgnoreCase("Bearer");
  }

  /** {@code Bearer realm="brazier", error="...", error_description="..."}. */
  static String bearer(String error, String description) {
    StringBuilder challenge = new StringBuilder(REALM).append(", error=\"").append(error).append('"');
    if (description != null && !description.isBlank()) {
      // A quoted string here holds printable ASCII but '"' and '\'.
      challenge.append(", error_description=\"").append(description.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "'"))
          .append('"');
    }
    return challenge.toString();
  }

  static String diagnostics(FhirResponse response) {
    return response.resource() instanceof OperationOutcome outcome ? outcome.getIssueFirstRep().getDiagnostics()
        : null;
  }
}
