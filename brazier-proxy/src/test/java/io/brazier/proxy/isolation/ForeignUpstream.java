package io.brazier.proxy.isolation;

import io.brazier.proxy.upstream.StubUpstream;
import java.net.URI;
import java.util.Map;

/**
 * A FHIR server behind the proxy that is no Brazier, for what isolation does with such a server: it answers the
 * requests a test gives (a path below its base with its query, as sent) with their bodies, any search of Consents
 * with no opt-out, its CapabilityStatement with nothing it can search by patient (so the proxy narrows nothing), a
 * DELETE with a 204, as Microsoft's server answers it whether or not the resource exists, and anything else with a
 * 404.
 */
final class ForeignUpstream {
  private static final String EMPTY = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}";
  private static final String METADATA = "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\","
      + "\"resource\":[{\"type\":\"Observation\"}]}]}";

  private ForeignUpstream() {}

  /** The server, answering from {@code answers}, which a test may still fill (with links to the server's base). */
  static StubUpstream start(Map<String, String> answers) {
    return new StubUpstream(exchange -> {
      URI uri = exchange.getRequestURI();
      String path = uri.getPath().substring("/fhir/".length())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      if (exchange.getRequestMethod().equals("DELETE")) {
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
        return;
      }
      String body = answers.get(path);
      if (body == null && path.startsWith("Consent?")) {
        body = EMPTY;
      } else if (body == null && path.equals("metadata")) {
        body = METADATA;
      }
      StubUpstream.send(exchange, body == null ? 404 : 200, "application/fhir+json",
          body == null ? "{\"resourceType\":\"OperationOutcome\"}" : body);
    });
  }

  /** A page of a search (FHIR JSON) with these entries, and a next link to {@code next} unless it is null. */
  static String page(String next, String... entries) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":["
        + (next == null ? "" : "{\"relation\":\"next\",\"url\":\"" + next + "\"}") + "],\"entry\":["
        + String.join(",", entries) + "]}";
  }

  /** A page's entry: the patient's Observation {@code id} as a match. */
  static String match(String id, String patient) {
    return "{\"resource\":" + observation(id, "1", patient) + ",\"search\":{\"mode\":\"match\"}}";
  }

  /** An Observation (FHIR JSON) of the patient {@code patient}, at version {@code version}. */
  static String observation(String id, String version, String patient) {
    return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
        + "\"},\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + patient
        + "\"}}";
  }
}
