package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirClient;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.proxy.CallerReach;
import io.brazier.proxy.IncludesPaging;
import io.brazier.proxy.IsolationConfig;
import io.brazier.server.Caller;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Patient and participant isolation, and patients' opt-outs, in front of another FHIR server (the standalone
 * proxy): the same {@link PatientReach} as in {@code serve --auth}, read from that server, enforced by the proxy. A
 * restricted caller's search is narrowed to its patients as far as the server supports ({@link CompartmentQuery});
 * its writes are checked before they go ({@link UpstreamWrites}); every answer is checked before it is passed on
 * ({@link UpstreamAnswers}), so nothing outside reaches the caller even where narrowing could not help. What cannot
 * be checked is refused with 403: batches and transactions, asynchronous requests, chains, {@code _has},
 * {@code _not-referenced}, {@code _list}, {@code _filter} and {@code _query} (the server would decide what matches
 * by data the caller may not see). Answers are asked for in JSON and given in the format the caller asked for. As an
 * interceptor among the security checks, it gives a restricted request its {@link Restriction}; the proxy's chain
 * then applies {@link #sent} and {@link #answer} around the rest of the exchange.
 */
public final class UpstreamIsolation implements Interceptor {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Set<FhirInteraction> REFUSED = Set.of(FhirInteraction.BUNDLE, FhirInteraction.ASYNC_STATUS);
  private static final Set<String> HIDDEN_MATCHING =
      Set.of("_has", "_not-referenced", "_list", "_filter", "_query", "_contained");
  /** Asked of the upstream in full and applied by the proxy, as the check needs whole resources in JSON. */
  private static final Set<String> SHAPING = Set.of("_format", "_elements", "_summary");

  /** The most pages fetched for one answer beyond the one asked for, each a request of the upstream's. */
  static final int MOST_SKIPPED = 10;

  /** How the proxy follows a next link for the caller. */
  public interface Pages {
    /**
     * The page {@code link} (a next link of an answer the proxy got) names, as the caller would get it by following
     * the link, sent as {@link UpstreamIsolation#sent} makes it; null for a link that does not lead to the
     * upstream.
     */
    Followed follow(String link);
  }

  /** A page the proxy followed for the caller: its request as sent upstream, and the upstream's answer. */
  public record Followed(FhirRequest sent, int status, byte[] body) {}

  private final PatientReach reach;
  private final CompartmentQuery query;
  private final UpstreamWrites writes;
  private final UpstreamAnswers answers;
  private final AnswerFormat format;
  private final Clock clock;
  private final String upstreamBase;

  /**
   * @param upstream the server behind the proxy, as the proxy itself reaches it
   * @param baseUrl the base URL its page links start with
   */
  public UpstreamIsolation(FhirClient upstream, String baseUrl, IdentityLinks links, IsolationConfig config,
      Fhir fhir, Clock clock) {
    FhirSearch search = new FhirSearch(fhir);
    Lookup lookup = new Lookup(upstream, baseUrl);
    this.reach = new PatientReach(lookup, links, config, clock);
    Membership membership = new Membership(search);
    this.query = new CompartmentQuery(search.compartments(), new UpstreamCapabilities(lookup));
    this.writes = new UpstreamWrites(fhir, membership, query, lookup);
    this.answers = new UpstreamAnswers(membership, query, lookup);
    this.format = new AnswerFormat(fhir);
    this.clock = clock;
    this.upstreamBase = baseUrl;
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    Caller caller = request.caller();
    if (caller.isAnonymous() || request.interaction() == FhirInteraction.CAPABILITIES || reach.isGlobal(caller)) {
      return request;
    }
    Restriction restriction = reach.restriction(caller);
    if (restriction == null) {
      return request;
    }
    refuseUnchecked(request);
    // $includes runs the search it pages: narrowed and checked as that search (CompartmentQuery, UpstreamAnswers).
    if (IncludesPaging.interaction(request) == FhirInteraction.OPERATION) {
      IsolatedOperations.check(request);
      String target = IsolatedOperations.target(request);
      if (target != null) {
        writes.checkReached(target, restriction);
      }
    }
    return request.withRestriction(restriction);
  }

  /** Whose data callers reach, read from the upstream as this isolation reads it: for the processors. */
  public CallerReach reach() {
    return reach;
  }

  /**
   * A restricted request ({@code request} as {@link #before} left it, and the processors after it, with its
   * {@code body}) as it goes upstream: a search narrowed to the caller's patients, a write checked (a FhirException
   * when it may not go), and whole resources in JSON asked for. Any other request passes as it is.
   */
  public FhirRequest sent(FhirRequest request, byte[] body) {
    Restriction restriction = request.restriction();
    if (restriction == null) {
      return request;
    }
    FhirRequest sent = forUpstream(request);
    if (request.method().equals("GET")) {
      return query.narrowed(sent, restriction);
    }
    return request.interaction().writes() ? writes.checked(sent, restriction, body) : sent;
  }

  /**
   * The answer the proxy gives itself to a restricted request as {@link #sent} made it, without asking the upstream:
   * an empty page (FHIR JSON) for a search that can find only what lies outside the caller's reach, whose pages
   * from the upstream would tell by their links that there is something; null for any other request.
   */
  public byte[] ownAnswer(FhirRequest sent) {
    if (!query.findsOnlyOutside(sent, sent.restriction())) {
      return null;
    }
    // A searchset as a server makes it: https://hl7.org/fhir/R4/bundle.html#searchset
    ObjectNode page = JSON.createObjectNode().put("resourceType", "Bundle").put("id", UUID.randomUUID().toString());
    page.putObject("meta").put("lastUpdated", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
    page.put("type", "searchset");
    if (!"none".equals(sent.param("_total"))) {
      page.put("total", 0);
    }
    page.putArray("link").addObject().put("relation", "self").put("url", sent.url());
    try {
      return JSON.writeValueAsBytes(page);
    } catch (IOException e) {
      throw new IllegalStateException("A JSON tree is written as JSON", e);
    }
  }

  /**
   * The upstream's answer ({@code status}, {@code body}) to a restricted request as {@link #sent} made it
   * ({@code sent}), as the caller may see it, in the format and shape the request before it ({@code asked}) wants.
   * A page that has nothing for the caller (all it had lay outside) while its search goes on is not given: the page
   * after it is, followed through {@code pages}, up to {@value #MOST_SKIPPED} pages beyond the one asked for (then
   * the page given has nothing, and a next link, as there may be more). So a caller who pages by next links gets an
   * empty page only at the end, or after so many.
   */
  public AnswerFormat.Encoded answer(FhirRequest asked, FhirRequest sent, int status, byte[] body, Pages pages) {
    JsonNode checked = answers.checked(sent, sent.restriction(), status, json(status, body));
    FhirRequest page = sent;
    for (int skipped = 0; skipped < MOST_SKIPPED; skipped++) {
      String next = UpstreamAnswers.onwards(page, checked);
      if (next == null) {
        break;
      }
      try {
        Followed following = pages.follow(next);
        ObjectNode later = following == null ? null : checkedPage(following);
        if (later == null) {
          break;
        }
        checked = UpstreamAnswers.after(checked, later);
        page = following.sent();
      } catch (FhirException e) {
        break; // the page cannot be had now: the caller gets the one before it, and may follow its link itself
      }
    }
    if (checked != null) {
      query.linkedAsAsked(asked, sent, checked, List.of(upstreamBase, asked.baseUrl()));
    }
    return format.encoded(asked, checked, body);
  }

  /** A page followed for the caller, checked; null when it is no page (an error, say). */
  private ObjectNode checkedPage(Followed page) {
    JsonNode checked = answers.checked(page.sent(), page.sent().restriction(), page.status(),
        json(page.status(), page.body()));
    return page.status() == 200 && checked instanceof ObjectNode bundle
        && bundle.path("resourceType").asText().equals("Bundle") ? bundle : null;
  }

  private static JsonNode json(int status, byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      if (status >= 300) {
        return null; // an error page of the server: passed on as it is, it holds no patient's data
      }
      throw new FhirException(502, IssueType.EXCEPTION, "The upstream FHIR"
          + " server answered with a body that is not FHIR JSON, which the proxy cannot check for the caller.");
    }
  }

  private static void refuseUnchecked(FhirRequest request) {
    if (REFUSED.contains(request.interaction()) || request.method().equals("HEAD")
        || (request.interaction() == FhirInteraction.SEARCH_TYPE && request.method().equals("POST"))
        || request.prefer().respondAsync()) {
      throw FhirException.forbidden("The caller sees only some patients' data, which this proxy cannot check on"
          + " the other server's answer to a " + request.method() + " of " + request.interaction().code()
          + (request.prefer().respondAsync() ? " answered asynchronously" : "") + "; send its parts as single"
          + " GET, POST, PUT or DELETE requests.");
    }
    for (String name : request.query().keySet()) {
      String base = name.split(":")[0];
      if (HIDDEN_MATCHING.contains(base) || name.contains(".")) {
        throw FhirException.forbidden("The caller sees only some patients' data, and with " + name + " the server"
            + " behind this proxy would choose matches by data the caller may not see: search without it.");
      }
    }
  }

  /**
   * The request as the proxy sends it for a restricted caller: whole resources in JSON (the proxy shapes them as
   * asked), and no conditional read, whose 304 would tell that a resource outside exists.
   */
  private static FhirRequest forUpstream(FhirRequest request) {
    Map<String, List<String>> query = new LinkedHashMap<>(request.query());
    query.keySet().removeIf(name -> SHAPING.contains(name) && !isCount(name, query.get(name)));
    return request.withQuery(query).withHeader("Accept", "application/fhir+json")
        .withHeader("If-None-Match", null).withHeader("If-Modified-Since", null);
  }

  private static boolean isCount(String name, List<String> values) {
    return name.equals("_summary") && values.contains("count");
  }
}
