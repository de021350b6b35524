package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A search of the FHIR server as the proxy itself, every page: what isolation reads to decide whose data a caller
 * sees (a practitioner's patients, the consents). In process in {@code serve --auth} ({@link InProcessSearch}), over
 * HTTP in front of another server ({@link UpstreamSearch}). A search that fails fails the request it decides for:
 * isolation never guesses.
 */
interface Lookup {

  /** Every match of {@code url} ({@code Consent?category=x}, below the base), as JSON. */
  List<JsonNode> all(String url);
}
