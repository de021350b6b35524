package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.IncludesPaging;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Restriction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The check of every answer the server behind the standalone proxy gives a restricted caller: the entries of a
 * search, history or {@code $everything} that lie outside are left out, and unless the search was narrowed exactly
 * so is the total, with an OperationOutcome entry saying so on every page, whatever it lost (no count, nothing that
 * would tell what lies outside); a resource read outside is 404 as if it did not exist, and so is one deleted there
 * (rather than 410), a version that is a deletion there, and the history of one.
 */
final class UpstreamAnswers {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Set<FhirInteraction> LISTS = Set.of(FhirInteraction.SEARCH_TYPE,
      FhirInteraction.SEARCH_SYSTEM, FhirInteraction.SEARCH_COMPARTMENT, FhirInteraction.HISTORY_INSTANCE,
      FhirInteraction.HISTORY_TYPE, FhirInteraction.HISTORY_SYSTEM, FhirInteraction.OPERATION);

  private final Membership membership;
  private final CompartmentQuery query;
  private final Deletions deletions;

  UpstreamAnswers(Membership membership, CompartmentQuery query, Lookup upstream) {
    this.membership = membership;
    this.query = query;
    this.deletions = new Deletions(membership, upstream);
  }

  /** The answer {@code body} (JSON, or null) to {@code sent}, as the caller may see it. */
  JsonNode checked(FhirRequest sent, Restriction restriction, int status, JsonNode body) {
    if (status == 410 && Set.of(FhirInteraction.READ, FhirInteraction.VREAD).contains(sent.interaction())) {
      checkDeleted(sent, restriction);
      return body;
    }
    if (status >= 300 || body == null || !body.isObject()) {
      return body;
    }
    if (body.path("resourceType").asText().equals("Bundle") && LISTS.contains(sent.interaction())) {
      return entriesWithin(sent, restriction, (ObjectNode) body);
    }
    if (!membership.reaches(restriction, body)) {
      throw FhirException.notFound(body.path("resourceType").asText(), body.path("id").asText());
    }
    return body;
  }

  private JsonNode entriesWithin(FhirRequest sent, Restriction restriction, ObjectNode bundle) {
    ArrayNode kept = JSON.createArrayNode();
    int left = 0;
    for (JsonNode entry : bundle.path("entry")) {
      if (isWithin(restriction, entry)) {
        kept.add(entry);
      } else if (!entry.path("search").path("mode").asText().equals("include")) { // the total counts no include
        left++;
      }
    }
    if (left > 0 && kept.isEmpty() && sent.interaction() == FhirInteraction.HISTORY_INSTANCE) {
      throw FhirException.notFound(sent.type(), sent.id());
    }
    // Whether anything was left out, and how much, would tell what other patients have: a page says the same
    // whatever it left out, unless its search was narrowed exactly (then nothing lies outside).
    if (left > 0 || !query.isExact(sent, restriction)) {
      kept.add(notice());
      bundle.remove("total");
    }
    bundle.set("entry", kept);
    return bundle;
  }

  /** An entry's resource within reach; an entry of a deletion (history) only for types that are not restricted. */
  private boolean isWithin(Restriction restriction, JsonNode entry) {
    JsonNode resource = entry.get("resource");
    if (resource != null) {
      return membership.reaches(restriction, resource);
    }
    String url = entry.path("request").path("url").asText("");
    return !url.isEmpty() && !membership.restricts(restriction, url.split("[/?]")[0]);
  }

  /**
   * The link to the page after {@code checked} (a page of {@code sent} as {@link #checked} left it) when that page
   * has nothing for the caller (no match, no version: outcomes and includes at most; of a page of includes only, of
   * {@code $includes} or the next page of an operation whose includes did not fit, outcomes at most) and its list
   * goes on; null
   * otherwise, and for a search that asks for no entries ({@code _count=0}, {@code _summary=count}).
   */
  static String onwards(FhirRequest sent, JsonNode checked) {
    if (checked == null || !LISTS.contains(sent.interaction())
        || !checked.path("resourceType").asText().equals("Bundle")
        || "0".equals(sent.param("_count")) || "count".equals(sent.param("_summary"))) {
      return null;
    }
    // A page of the includes that did not fit another ($includes, or an operation's next page) holds includes only.
    boolean includesOnly = sent.param(IncludesPaging.TOKEN) != null;
    Set<String> nothing = includesOnly ? Set.of("outcome") : Set.of("outcome", "include");
    for (JsonNode entry : checked.path("entry")) {
      if (!nothing.contains(entry.path("search").path("mode").asText())) {
        return null;
      }
    }
    for (JsonNode link : checked.path("link")) {
      if (link.path("relation").asText().equals("next") && !link.path("url").asText("").isEmpty()) {
        return link.path("url").asText();
      }
    }
    return null;
  }

  /**
   * {@code later}, the checked page that the checked page {@code skipped} led to, with the outcomes the upstream
   * gave on {@code skipped} (what it ignored of the search, say) that {@code later} does not repeat: a caller who
   * never sees a page the proxy skipped loses no warning of it. Its matches and includes lay outside or were
   * included for matches outside.
   */
  static ObjectNode after(JsonNode skipped, ObjectNode later) {
    List<JsonNode> repeated = new ArrayList<>();
    later.path("entry").forEach(repeated::add);
    repeated.add(notice());
    ArrayNode entries = JSON.createArrayNode();
    for (JsonNode entry : skipped.path("entry")) {
      if (entry.path("search").path("mode").asText().equals("outcome") && !repeated.contains(entry)) {
        entries.add(entry);
      }
    }
    if (!entries.isEmpty()) {
      later.path("entry").forEach(entries::add);
      later.set("entry", entries);
    }
    return later;
  }

  private static JsonNode notice() {
    ObjectNode outcome = JSON.createObjectNode().put("resourceType", "OperationOutcome");
    outcome.putArray("issue").addObject().put("severity", "information").put("code", "suppressed")
        .put("diagnostics", "Entries that lie outside the patients' data the caller may see are left out of this"
            + " search's pages, and its total is not given, as it would count them.");
    ObjectNode entry = JSON.createObjectNode();
    entry.set("resource", outcome);
    entry.putObject("search").put("mode", "outcome");
    return entry;
  }

  /**
   * A read of a deleted resource, or of a version that is a deletion: gone when the version it deleted lay within
   * reach, otherwise not known.
   */
  private void checkDeleted(FhirRequest sent, Restriction restriction) {
    boolean reached = sent.interaction() == FhirInteraction.VREAD
        ? deletions.reaches(restriction, sent.type(), sent.id(), sent.segment(3))
        : deletions.reaches(restriction, sent.type(), sent.id());
    if (!reached) {
      throw FhirException.notFound(sent.type(), sent.id());
    }
  }
}
