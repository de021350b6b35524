package io.brazier.proxy.auth;

import io.brazier.server.FhirResponse;
import org.hl7.fhir.r4.model.OperationOutcome;

/** {@code WWW-Authenticate} challenges of refused requests (RFC 6750, section 3). */
public final class Challenges {
  private Challenges() {}

  /** {@code Bearer realm="brazier", error="...", error_description="..."}. */
  public static String bearer(String error, String description) {
    StringBuilder challenge = new StringBuilder("Bearer realm=\"brazier\", error=\"").append(error).append('"');
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
