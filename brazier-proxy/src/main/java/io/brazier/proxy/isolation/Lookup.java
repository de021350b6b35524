package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The FHIR server that isolation guards, read as the proxy itself through its API (a {@link FhirClient}: in process
 * in {@code serve --auth}, over HTTP in front of another server): what decides whose data a caller sees (a
 * practitioner's patients, the consents) and what a request's checks look at (a resource as it is now, the
 * server's CapabilityStatement). A search that fails fails the request it decides for: isolation never guesses.
 */
final class Lookup {
  /** A status and its JSON body (a missing node when there is none, or it is not JSON). */
  record Answer(int status, JsonNode body) {}

  private final FhirClient server;
  private final String baseUrl;

  /** @param baseUrl the base URL the server's page links start with (empty for links below the base) */
  Lookup(FhirClient server, String baseUrl) {
    this.server = server;
    this.baseUrl = baseUrl;
  }

  /** Every match of {@code url} ({@code Consent?category=x}, below the base), as JSON, following next links. */
  List<JsonNode> all(String url) {
    List<JsonNode> matches = new ArrayList<>();
    for (String next = url; next != null; ) {
      Answer page = read(next);
      if (page.status() != 200 || !page.body().path("resourceType").asText().equals("Bundle")) {
        throw new FhirException(502, IssueType.EXCEPTION, "The proxy could not search " + url.split("\\?")[0]
            + " on " + server.name() + " (status " + page.status() + "), which decides whose data the caller"
            + " may see: the request is refused rather than answered unchecked.");
      }
      for (JsonNode entry : page.body().path("entry")) {
        if (entry.path("search").path("mode").asText("match").equals("match") && entry.has("resource")) {
          matches.add(entry.get("resource"));
        }
      }
      next = next(url, page.body());
    }
    return matches;
  }

  /** The server's answer to a GET of {@code path} (below the base, {@code Patient/12}). */
  Answer read(String path) {
    FhirReply reply;
    try {
      reply = server.get(path);
    } catch (IOException e) {
      throw unread(path, e.getMessage());
    }
    return new Answer(reply.status(), reply.json());
  }

  /**
   * The server's answer to a GET of {@code path} that a check of the request rests on: a server error refuses the
   * request (502) rather than let it be judged on no answer, which would look like a resource not known.
   */
  Answer needed(String path) {
    Answer answer = read(path);
    if (answer.status() >= 500) {
      throw unread(path, "it answered with status " + answer.status() + ".");
    }
    return answer;
  }

  private FhirException unread(String path, String why) {
    return new FhirException(502, IssueType.TRANSIENT, "The proxy could not read " + path.split("\\?")[0] + " on "
        + server.name() + ", which it needs to check the request: " + why);
  }

  /**
   * The next page below the base; null on the last page. A link elsewhere is refused: the proxy does not send its
   * own identity there, and a search cut short would miss matches.
   */
  private String next(String url, JsonNode bundle) {
    for (JsonNode link : bundle.path("link")) {
      String href = link.path("url").asText("");
      if (link.path("relation").asText().equals("next")) {
        return BaseUrl.below(href, baseUrl).orElseThrow(() -> new FhirException(502, IssueType.EXCEPTION,
            "The proxy could not search " + url.split("\\?")[0] + " on " + server.name()
                + ": its next page is not below " + baseUrl + "/ but at " + href + "."));
      }
    }
    return null;
  }
}
