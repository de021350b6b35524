package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.FhirException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Searches the server behind the standalone proxy as the proxy itself, every page, following its next links. */
final class UpstreamSearch implements Lookup {
  private final UpstreamReads upstream;

  UpstreamSearch(UpstreamReads upstream) {
    this.upstream = upstream;
  }

  @Override
  public List<JsonNode> all(String url) {
    List<JsonNode> matches = new ArrayList<>();
    for (String next = "/" + url; next != null; ) {
      UpstreamReads.Answer page = upstream.get(next);
      if (page.status() != 200 || !"Bundle".equals(page.body().path("resourceType").asText())) {
        throw new FhirException(502, IssueType.EXCEPTION, "The proxy could not search " + url.split("\\?")[0]
            + " on the upstream FHIR server (status " + page.status() + "), which decides whose data the caller"
            + " may see: the request is refused rather than answered unchecked.");
      }
      for (JsonNode entry : page.body().path("entry")) {
        if (!"include".equals(entry.path("search").path("mode").asText()) && entry.has("resource")) {
          matches.add(entry.get("resource"));
        }
      }
      next = next(page.body());
    }
    return matches;
  }

  /** The path and query of the next page, below the base; null on the last page. */
  private String next(JsonNode bundle) {
    for (JsonNode link : bundle.path("link")) {
      String href = link.path("url").asText("");
      if ("next".equals(link.path("relation").asText()) && href.startsWith(upstream.base())) {
        return href.substring(upstream.base().length());
      }
    }
    return null;
  }
}
