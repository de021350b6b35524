package io.brazier.sync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import java.util.ArrayList;
import java.util.List;

/** Reads resources as they are now: one by id, or a search page by page. */
public final class Resources {
  private final FhirClient fhir;

  public Resources(FhirClient fhir) {
    this.fhir = fhir;
  }

  /** A page of a search: its resources, and the URL of the next page (null after the last). */
  public record Page(List<ObjectNode> resources, String next, long total) {}

  /** The current version of {@code type/id}; null when it is deleted or was never there. */
  public ObjectNode current(String type, String id) throws SourceException {
    String url = type + "/" + id;
    FhirReply reply = Replies.send(fhir, url);
    if (reply.status() == 404 || reply.status() == 410) {
      return null;
    }
    return (ObjectNode) Replies.json(fhir, url, reply);
  }

  /** Version {@code version} of {@code type/id}; null when the server no longer has it (a deletion, or pruned). */
  public ObjectNode version(String type, String id, int version) throws SourceException {
    String url = type + "/" + id + "/_history/" + version;
    FhirReply reply = Replies.send(fhir, url);
    if (reply.status() == 404 || reply.status() == 410) {
      return null;
    }
    return (ObjectNode) Replies.json(fhir, url, reply);
  }

  /**
   * A page of a search; the next page's URL is {@code url} with the cursor of the next link, so that it stays
   * relative to the base whatever base URL the server writes into its links.
   */
  public Page search(String url) throws SourceException {
    JsonNode bundle = Replies.json(fhir, url, Replies.send(fhir, url));
    List<ObjectNode> resources = new ArrayList<>();
    for (JsonNode entry : bundle.path("entry")) {
      if (entry.path("resource") instanceof ObjectNode resource
          && !"include".equals(entry.path("search").path("mode").asText())) {
        resources.add(resource);
      }
    }
    String cursor = Links.param(Links.link(bundle, "next"), "_cursor");
    String next = cursor == null ? null : withCursor(url, cursor);
    return new Page(resources, next, bundle.path("total").asLong(-1));
  }

  /** How many resources a search matches. */
  public long count(String url) throws SourceException {
    return search(url + (url.contains("?") ? "&" : "?") + "_summary=count").total();
  }

  /** {@code url} with {@code cursor} in place of its own: a search of a bare type has no {@code ?} yet. */
  private static String withCursor(String url, String cursor) {
    String search = url.replaceFirst("[?&]_cursor=[^&]*$", "");
    return search + (search.contains("?") ? "&" : "?") + "_cursor=" + Links.encode(cursor);
  }
}
