package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * What the server behind the standalone proxy says it can search, from its CapabilityStatement: read once, on the
 * first request that needs it, and kept (a server's capabilities change with its version, not while it runs; a
 * restart of the proxy reads them again). Until it has been read, nothing is assumed to be supported.
 */
final class UpstreamCapabilities {
  private final Lookup upstream;
  private volatile JsonNode rest;

  UpstreamCapabilities(Lookup upstream) {
    this.upstream = upstream;
  }

  /** Whether the upstream searches the compartment of this type ({@code Patient/12/Observation}). */
  boolean searchesCompartment(String compartment) {
    String definition = "http://hl7.org/fhir/CompartmentDefinition/" + compartment.toLowerCase(Locale.ROOT);
    for (JsonNode canonical : rest().path("compartment")) {
      if (canonical.asText().equals(definition) || canonical.asText().startsWith(definition + "|")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the upstream searches resources of {@code type} by parameter {@code name}. */
  boolean searches(String type, String name) {
    for (JsonNode resource : rest().path("resource")) {
      if (resource.path("type").asText().equals(type)) {
        for (JsonNode param : resource.path("searchParam")) {
          if (param.path("name").asText().equals(name)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The server's {@code rest} part: read once when it answers, an empty one while it does not. */
  private JsonNode rest() {
    JsonNode known = rest;
    if (known != null) {
      return known;
    }
    Lookup.Answer metadata = upstream.read("metadata");
    JsonNode found = metadata.body().path("rest").path(0);
    if (metadata.status() == 200 && found.isObject()) {
      rest = found;
    }
    return found;
  }
}
