package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The standalone proxy's own reads of the FHIR server behind it, as itself (never as a caller): what isolation
 * reads there to decide (a resource's current version, a practitioner's patients, the consents, the server's
 * CapabilityStatement).
 */
public interface UpstreamReads {

  /** The upstream's answer to a GET of {@code pathAndQuery} (below its base, {@code /Patient/12}), as JSON. */
  Answer get(String pathAndQuery);

  /** The upstream's FHIR base URL, without a trailing slash: its links start with it. */
  String base();

  /** A status and its JSON body (a missing node when there is none, or it is not JSON). */
  record Answer(int status, JsonNode body) {}
}
