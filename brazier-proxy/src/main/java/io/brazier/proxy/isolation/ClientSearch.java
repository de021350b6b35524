package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Searches another FHIR server through a {@link FhirClient}, every page: what isolation reads to decide whose data
 * a caller sees when the data is not in this process. A search that fails fails the request it decides for.
 */
final class ClientSearch implements Lookup {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FhirClient server;
  private final String baseUrl;

  /** @param baseUrl the base URL the server's page links start with */
  ClientSearch(FhirClient server, String baseUrl) {
    this.server = server;
    this.baseUrl = baseUrl;
  }

  @Override
  public List<JsonNode> all(String url) {
    List<JsonNode> matches = new ArrayList<>();
    for (String next = url; next != null; ) {
      JsonNode page = page(url, next);
      for (JsonNode entry : page.path("entry")) {
        if (entry.path("search").path("mode").asText("match").equals("match") && entry.has("resource")) {
          matches.add(entry.get("resource"));
        }
      }
      next = null;
      for (JsonNode link : page.path("link")) {
        if (link.path("relation").asText().equals("next")) {
          next = below(link.path("url").asText());
        }
      }
    }
    return matches;
  }

  private JsonNode page(String url, String page) {
    try {
      FhirReply reply = server.get(page);
      if (!reply.ok()) {
        throw new IllegalStateException("Isolation could not search " + url + ": status " + reply.status() + ", "
            + reply.diagnostics());
      }
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new IllegalStateException("Isolation could not search " + url + ": " + e.getMessage(), e);
    }
  }

  private String below(String link) {
    return link.startsWith(baseUrl + "/") ? link.substring(baseUrl.length() + 1) : link;
  }
}
