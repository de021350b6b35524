package io.brazier.sync;

import java.util.Map;

/**
 * A request to the FHIR server: a method, a URL relative to its base (path and query percent-encoded as in a URL),
 * headers, and a body (null for none).
 */
public record FhirCall(String method, String url, Map<String, String> headers, byte[] body) {

  public FhirCall {
    headers = Map.copyOf(headers);
  }

  public static FhirCall get(String url) {
    return new FhirCall("GET", url, Map.of(), null);
  }
}
