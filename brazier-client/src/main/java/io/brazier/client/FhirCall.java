package io.brazier.client;

import java.util.Map;
import java.util.TreeMap;

/**
 * One request to a FHIR server: method, a path below the FHIR base ({@code ""} for the base itself, {@code
 * "Patient?identifier=x"}), headers and an optional JSON body.
 */
public record FhirCall(String method, String path, Map<String, String> headers, byte[] body) {
  private static final Map<String, String> JSON = Map.of(
      "Content-Type", "application/fhir+json", "Accept", "application/fhir+json", "Prefer", "return=minimal");

  public FhirCall {
    headers = Map.copyOf(headers);
  }

  /** A batch or transaction Bundle POSTed to the base; entries answer with status and location only. */
  public static FhirCall bundle(byte[] bundle) {
    return new FhirCall("POST", "", JSON, bundle);
  }

  /** A batch of searches POSTed to the base: entries answer with their search results (no return=minimal). */
  public static FhirCall searches(byte[] bundle) {
    return new FhirCall("POST", "", Map.of("Content-Type", "application/fhir+json", "Accept", "application/fhir+json"),
        bundle);
  }

  public static FhirCall get(String path) {
    return new FhirCall("GET", path, Map.of("Accept", "application/fhir+json"), null);
  }

  /** This call with header {@code name} set to {@code value} (replacing one of that name, in any case). */
  public FhirCall withHeader(String name, String value) {
    Map<String, String> changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    changed.putAll(headers);
    changed.put(name, value);
    return new FhirCall(method, path, changed, body);
  }

  @Override
  public String toString() {
    return method + " " + path + (body == null ? "" : " (" + body.length + " bytes)");
  }
}
