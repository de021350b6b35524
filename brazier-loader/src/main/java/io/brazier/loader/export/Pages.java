package io.brazier.loader.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirReply;
import io.brazier.fhir.BaseUrl;
import io.brazier.loader.send.Json;
import io.brazier.loader.send.Sender;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs searches through the sender (its retries of 429, 503 and 5xx) and follows their {@code next} links to the
 * end. A next link is followed by its path below the server's base, whatever host it names: a server behind a proxy
 * often links to its own name, and the token must go only where {@code --fhir} points.
 */
final class Pages {
  private final Sender sender;
  private final String basePath;

  Pages(Sender sender, URI base) {
    this.sender = sender;
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    this.basePath = path.endsWith("/") ? path : path + "/";
  }

  /** What takes a page's resources. */
  interface PageHandler {
    void accept(List<ObjectNode> resources) throws IOException;
  }

  /** Hands the resources of every page to {@code each}; OperationOutcomes of the search itself are left out. */
  void follow(String search, PageHandler each) throws SearchFailed, IOException {
    String path = search;
    while (path != null) {
      ObjectNode bundle = bundle(path);
      List<ObjectNode> resources = new ArrayList<>();
      for (JsonNode entry : bundle.path("entry")) {
        if (!entry.path("search").path("mode").asText().equals("outcome")
            && entry.path("resource") instanceof ObjectNode resource) {
          resources.add(resource);
        }
      }
      each.accept(resources);
      path = next(search, bundle);
    }
  }

  /** How many resources a search matches, by {@code _summary=count}. */
  long count(String search) throws SearchFailed {
    String path = search + (search.contains("?") ? "&" : "?") + "_summary=count";
    JsonNode total = bundle(path).path("total");
    if (!total.canConvertToLong()) {
      throw new SearchFailed(path, "the server gives no total, which slicing by counts needs; use --parallel 1");
    }
    return total.asLong();
  }

  private ObjectNode bundle(String path) throws SearchFailed {
    ObjectNode bundle = get(path);
    if (!bundle.path("resourceType").asText().equals("Bundle")) {
      throw new SearchFailed(path, "the answer is not a Bundle but " + bundle.path("resourceType").asText("nothing"));
    }
    return bundle;
  }

  /** The JSON object a GET answers. */
  ObjectNode get(String path) throws SearchFailed {
    FhirReply reply;
    try {
      reply = sender.send(FhirCall.get(path));
    } catch (Sender.Unreachable e) {
      throw new SearchFailed(path, e.getMessage());
    }
    if (!reply.ok()) {
      throw new SearchFailed(path, "the server answered " + reply.status() + ": " + diagnostics(reply));
    }
    try {
      return Json.parse(reply.body());
    } catch (IOException e) {
      throw new SearchFailed(path, "the answer is not JSON");
    }
  }

  private String next(String search, ObjectNode bundle) throws SearchFailed {
    for (JsonNode link : bundle.path("link")) {
      if (link.path("relation").asText().equals("next")) {
        URI next;
        try {
          next = URI.create(link.path("url").asText());
        } catch (IllegalArgumentException e) {
          throw new SearchFailed(search, "the next page's link " + link.path("url").asText() + " is not a URL ("
              + e.getMessage() + ")");
        }
        String path = next.getRawPath() == null ? "" : next.getRawPath();
        String query = next.getRawQuery() == null ? "" : "?" + next.getRawQuery();
        return BaseUrl.below(path + query, basePath).orElseThrow(() -> new SearchFailed(search,
            "the next page's link " + next + " is not below the server's base " + basePath));
      }
    }
    return null;
  }

  /** The OperationOutcome's diagnostics, or the start of the body. */
  private static String diagnostics(FhirReply reply) {
    try {
      JsonNode issue = Json.parse(reply.body()).path("issue").path(0);
      if (issue.has("diagnostics")) {
        return issue.path("diagnostics").asText();
      }
    } catch (IOException e) {
      // not JSON: the text says what it is
    }
    String text = reply.text().strip();
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
