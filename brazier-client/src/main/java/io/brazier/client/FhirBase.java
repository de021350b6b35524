package io.brazier.client;

import java.util.Optional;

/**
 * A FHIR server's base URL: whether a URL is one, asked once before work that every request would otherwise fail (a
 * server that answers 404 for {@code GET [url]/metadata} is a web server answering at some other path, most often a
 * base URL given without its {@code /fhir}, which the loader would fail every file on and the sync agent retry for
 * ever). What a link names below a base is brazier-fhir's {@code BaseUrl}.
 */
public final class FhirBase {
  /** The call that asks: a FHIR base answers it with its CapabilityStatement. */
  public static final FhirCall METADATA = FhirCall.get("metadata");

  private FhirBase() {}

  /**
   * Why {@code url} is no FHIR base, given its answer to {@link #METADATA}: a sentence naming the URL to give, without
   * its full stop, so that a caller can add what it did not do; empty for any answer but a 404.
   */
  public static Optional<String> whyNot(String url, FhirReply metadata) {
    if (metadata.status() != 404) {
      return Optional.empty();
    }
    return Optional.of("No FHIR server answers at " + url + ": GET metadata answered 404. Give the FHIR base URL,"
        + " such as http://localhost:8080/fhir");
  }
}
