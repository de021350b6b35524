package io.brazier.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.FhirReply;
import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.ProxyRequest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A conditional delete ({@code DELETE [type]?criteria}) as the standalone proxy publishes it. Its answer names none
 * of what it removed (FHIR gives it no way to), so the proxy asks the upstream, through its API: before the delete it
 * searches the criteria and sends the delete on narrowed to those matches ({@code &_id=a,b}, which the server ANDs
 * with the criteria); once the delete is answered it searches those ids again, and the ones no longer found are the
 * deletions to publish. The delete is done by then, so that search is tried again when it fails; if it never answers,
 * which of the matches were removed is not known.
 *
 * <p>Both searches are there for writers working at once. The narrowing keeps the delete from removing a match
 * created after the first search, which would go unpublished; the second search keeps a match that changed meanwhile,
 * so that the delete no longer matched and kept it, from being published as deleted. A match someone else deleted in
 * between is published deleted once more: that is what it is, and a deletion is taken twice as once.
 */
final class ConditionalDeletes {
  /** The most matches the proxy resolves: more are refused (412), as a server refuses more than its own limit. */
  static final int MOST = 1000;
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]+");
  /** The start of the id that narrows a delete nothing matched: a random one, which no resource has. */
  private static final String NONE = "none-";
  /**
   * How often the search after the delete is sent, at most (each beside the upstream's own retries of 429 and 503),
   * and the pause before the second time, doubled before each later one.
   */
  private static final int SEARCHES_AFTER = 3;
  private static final Duration FIRST_PAUSE = Duration.ofMillis(250);

  private ConditionalDeletes() {}

  /** Whether {@code request} is a conditional delete: a DELETE of a type's URL with criteria. */
  static boolean conditional(ProxyRequest request) {
    return request.method().equalsIgnoreCase("DELETE") && request.segments().size() == 1
        && TYPE.matcher(request.path()).matches() && !request.query().isEmpty();
  }

  /** The delete narrowed to what its criteria match now; a 412 when they match more than {@link #MOST}. */
  static ProxyRequest narrowed(ProxyRequest request) {
    Map<String, List<String>> search = new LinkedHashMap<>(request.query());
    search.put("_elements", List.of("id"));
    search.put("_count", List.of(String.valueOf(MOST)));
    List<String> ids = ids(request, request.path() + "?" + query(search));
    if (ids.size() > MOST) {
      throw FhirException.preconditionFailed("The criteria match more than " + MOST + " " + request.path()
          + " resources, the most the proxy resolves to publish what one conditional delete removes.");
    }
    Map<String, List<String>> narrowed = new LinkedHashMap<>(request.query());
    List<String> idValues = new ArrayList<>(narrowed.getOrDefault("_id", List.of()));
    idValues.add(ids.isEmpty() ? NONE + UUID.randomUUID() : String.join(",", ids));
    narrowed.put("_id", idValues);
    return request.withQuery(narrowed);
  }

  /**
   * The URL below the base of {@code request}: its path and query ({@code Patient?identifier=a&_id=1,2}), the criteria
   * in the client's order and the narrowing's {@code _id} after them.
   */
  static String url(ProxyRequest request) {
    return request.path() + "?" + query(request.query());
  }

  /**
   * The ids the answered delete removed: of its {@link #candidates}, the ones a search no longer finds. A search that
   * fails is sent again, up to {@value #SEARCHES_AFTER} times in all; a FhirException when none answered.
   */
  static List<String> removed(ProxyRequest request) {
    List<String> candidates = candidates(request);
    if (candidates.isEmpty()) {
      return List.of();
    }
    String search = request.path() + "?_id=" + encode(String.join(",", candidates)) + "&_elements=id&_count="
        + candidates.size();
    List<String> removed = new ArrayList<>(candidates);
    removed.removeAll(searchedAfter(request, search));
    return removed;
  }

  /** The ids the delete was narrowed to: those every {@code _id} of the request allows (it removed none other). */
  static List<String> candidates(ProxyRequest request) {
    Set<String> candidates = null;
    for (String value : request.query().getOrDefault("_id", List.of())) {
      Set<String> allowed = new LinkedHashSet<>(List.of(value.split(",")));
      if (candidates == null) {
        candidates = allowed;
      } else {
        candidates.retainAll(allowed);
      }
    }
    if (candidates == null) {
      return List.of();
    }
    candidates.removeIf(id -> id.startsWith(NONE));
    return List.copyOf(candidates);
  }

  /** The ids {@code search} finds, asked again after a pause while it fails; its last failure when none answered. */
  private static List<String> searchedAfter(ProxyRequest request, String search) {
    for (int sent = 1; ; sent++) {
      try {
        return ids(request, search);
      } catch (FhirException e) {
        if (sent == SEARCHES_AFTER || !paused(FIRST_PAUSE.multipliedBy(1L << (sent - 1)))) {
          throw e;
        }
      }
    }
  }

  /** Waits {@code pause}; false when interrupted (the proxy is stopping). */
  private static boolean paused(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The ids of every match of {@code search}, page after page, up to one more than {@link #MOST}. */
  private static List<String> ids(ProxyRequest request, String search) {
    List<String> ids = new ArrayList<>();
    for (String page = search; page != null && ids.size() <= MOST; ) {
      JsonNode bundle = page(request, page);
      for (JsonNode entry : bundle.path("entry")) {
        if (entry.path("search").path("mode").asText("match").equals("match")) {
          ids.add(entry.path("resource").path("id").asText());
        }
      }
      page = next(request, bundle);
    }
    return ids;
  }

  private static JsonNode page(ProxyRequest request, String path) {
    FhirReply reply;
    try {
      reply = request.upstream().get(path);
    } catch (IOException e) {
      throw failed(request, e.getMessage());
    }
    JsonNode bundle = reply.json();
    if (!reply.ok() || !bundle.path("resourceType").asText().equals("Bundle")) {
      throw failed(request, "status " + reply.status() + ", " + reply.diagnostics());
    }
    return bundle;
  }

  /** The next page below the base, as the proxy rewrote its link; null on the last page. */
  private static String next(ProxyRequest request, JsonNode bundle) {
    for (JsonNode link : bundle.path("link")) {
      String url = link.path("url").asText("");
      if (link.path("relation").asText().equals("next")) {
        return BaseUrl.below(url, request.baseUrl()).orElseThrow(() -> failed(request,
            "its next page is not below " + request.baseUrl() + "/ but at " + url));
      }
    }
    return null;
  }

  private static FhirException failed(ProxyRequest request, String why) {
    return new FhirException(502, IssueType.EXCEPTION, "The proxy could not search " + request.path() + " on "
        + request.upstream().name() + " for what a conditional delete removes, to publish it (" + why + ").");
  }

  private static String query(Map<String, List<String>> params) {
    StringJoiner query = new StringJoiner("&");
    params.forEach((name, values) -> values.forEach(value -> query.add(encode(name) + "=" + encode(value))));
    return query.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
