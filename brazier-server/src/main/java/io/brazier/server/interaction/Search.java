package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.ContainedSearch;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.Terminology;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.PageSizes;
import io.brazier.server.interaction.SearchIncludes.Included;
import io.brazier.store.IncludedPage;
import io.brazier.store.QueryTooCostly;
import io.brazier.store.ResourceVersion;
import io.brazier.store.SearchPage;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/**
 * Runs a search for the search interactions (type, system, compartment): parses the query, serves the first page
 * (the store keeps a snapshot when there are more) or a later page of a snapshot, adds {@code _include}d resources,
 * and answers a searchset Bundle with paging links and, when something was ignored or cut, an OperationOutcome
 * entry. https://hl7.org/fhir/R4/search.html
 */
public final class Search {
  private final Store store;
  private final FhirSearch search;
  private final Terminology terminology;
  private final SearchIncludes includes;
  private final RestrictionCriteria restrictions;
  /** A larger {@code _count} than the max is lowered to it, and the outcome entry says so. */
  private final PageSizes pageSizes;

  public Search(Fhir fhir, Store store, FhirSearch search, Terminology terminology, PageSizes pageSizes,
      RestrictionCriteria restrictions) {
    this.store = store;
    this.restrictions = restrictions;
    this.search = search;
    this.terminology = terminology;
    this.includes = new SearchIncludes(store, search.parameters(), fhir.resourceTypes());
    this.pageSizes = pageSizes;
  }

  /**
   * Searches {@code types} (empty: all) below {@code path} (for links), with {@code scope} (a compartment, or null)
   * added to the client's criteria.
   */
  public FhirResponse run(FhirRequest request, String path, List<String> types, Criterion scope) {
    Map<String, List<String>> params = params(request);
    SearchQuery query = scoped(parse(request, params, types), scope);
    return confined(request, query, q -> page(request, path, q, params, List.of(), IncludedPages.path(path)));
  }

  /**
   * {@code $includes}: the included resources of a page of matches that did not fit its searchset, after the row key
   * {@code includesCt}, {@code _includesCount} at a time (see {@link SearchIncludes}); the search is that of
   * {@link #run} with the same {@code path}, {@code types} and {@code scope}.
   */
  FhirResponse moreIncludes(FhirRequest request, String path, List<String> types, Criterion scope) {
    Map<String, List<String>> params = new LinkedHashMap<>(params(request));
    long after = IncludedPages.after(params.remove(IncludedPages.TOKEN));
    SearchQuery parsed = scoped(parse(request, params, types), scope);
    if (SearchIncludes.iterates(parsed)) {
      throw FhirException.badRequest("Included resources found through :iterate are not paged; narrow the search.");
    }
    return confined(request, parsed,
        query -> includedPage(request, IncludedPages.path(path), query, params, after, List.of(), false));
  }

  /**
   * A page of the included resources of a page of matches (the first, or {@code _cursor}'s) after the row key
   * {@code after}, linked at {@code path}; when none follow, its next link is, if {@code thenMatches}, the next page
   * of matches.
   */
  private FhirResponse includedPage(FhirRequest request, String path, SearchQuery query,
      Map<String, List<String>> params, long after, List<OperationOutcomeIssueComponent> issues, boolean thenMatches) {
    List<String> notes = new ArrayList<>();
    int count = count(params, notes);
    SearchPage page = matches(query, params, count);
    IncludedPage more = includes.after(query, page.resources(), filter(request), after, includesCount(params, notes));
    Map<String, List<String>> kept = PageLinks.kept(params, query);
    String cursor = first(params, "_cursor");
    Map<String, String> links = new LinkedHashMap<>();
    links.put("self", PageLinks.url(request, path, IncludedPages.at(kept, count, after), cursor));
    if (more.next() != null) {
      links.put("next", PageLinks.url(request, path, IncludedPages.at(kept, count, more.next()), cursor));
    } else if (thenMatches) {
      int offset = cursor == null ? 0 : Cursor.parse(cursor).offset();
      String matches = PageLinks.paging(request, path, kept, page, offset, count).get("next");
      if (matches != null) {
        links.put("next", matches);
      }
    }
    Searchset searchset = new Searchset(request, null, links);
    more.resources().forEach(resource -> searchset.add(resource, SearchEntryMode.INCLUDE));
    searchset.outcome(query, notes, issues);
    return searchset.response();
  }

  /**
   * Answers a query built by the caller (an operation such as $everything): the first page or, with
   * {@code _cursor}, a later one, with includes and links that carry {@code params}. Its result is paged by next
   * links alone, so the included resources that do not fit a page come on the pages its next link leads to
   * ({@code includesCt} says where they resume), before the next page of matches. The request's restriction is
   * added to the query (see {@link RestrictionCriteria}), so that matches, totals and includes keep to it.
   */
  public FhirResponse respond(FhirRequest request, String path, SearchQuery query, Map<String, List<String>> params) {
    return respond(request, path, query, params, List.of());
  }

  /** As {@link #respond(FhirRequest, String, SearchQuery, Map)}, every page's outcome entry carrying {@code issues}. */
  public FhirResponse respond(FhirRequest request, String path, SearchQuery query, Map<String, List<String>> params,
      List<OperationOutcomeIssueComponent> issues) {
    if (!params.containsKey(IncludedPages.TOKEN)) {
      return confined(request, query, confined -> page(request, path, confined, params, issues, null));
    }
    Map<String, List<String>> rest = new LinkedHashMap<>(params);
    long after = IncludedPages.after(rest.remove(IncludedPages.TOKEN));
    return confined(request, query, confined -> includedPage(request, path, confined, rest, after, issues, true));
  }

  /** {@code query} kept to {@code scope} (a compartment), if any: a compartment holds no contained resources. */
  private static SearchQuery scoped(SearchQuery query, Criterion scope) {
    if (scope == null) {
      return query;
    }
    if (query.contained() != SearchQuery.Contained.TOP_LEVEL) {
      throw ContainedSearch.unsupported("a compartment search");
    }
    return query.withCriterion(scope);
  }

  /** Answers {@code query} with the request's restriction added; a search too costly to run is a 422. */
  private FhirResponse confined(FhirRequest request, SearchQuery query, Function<SearchQuery, FhirResponse> answer) {
    try {
      return answer.apply(restrictions.confine(query, request.restriction()));
    } catch (QueryTooCostly e) {
      throw FhirException.tooCostly(e.getMessage());
    }
  }

  /**
   * A page of matches with their includes; those that do not fit are linked at {@code includesPath} (relation
   * {@code related}) or, when it is null, by the next link, which pages them before the next matches.
   */
  private FhirResponse page(FhirRequest request, String path, SearchQuery query, Map<String, List<String>> params,
      List<OperationOutcomeIssueComponent> issues, String includesPath) {
    List<String> notes = new ArrayList<>();
    int count = count(params, notes);
    boolean countOnly = count == 0 || "count".equals(first(params, "_summary"));
    if (countOnly) {
      Searchset searchset = new Searchset(request, total(request, query, first(params, "_total")),
          Map.of("self", PageLinks.url(request, path, PageLinks.kept(params, query), null)));
      searchset.outcome(query, notes, issues);
      return searchset.response();
    }
    Cursor cursor = Cursor.parse(first(params, "_cursor"));
    SearchPage page = matches(query, params, count);
    int offset = cursor == null ? 0 : cursor.offset();
    Integer total = "none".equals(first(params, "_total")) ? null : page.total();
    Map<String, List<String>> kept = PageLinks.kept(params, query);
    Map<String, String> links = PageLinks.paging(request, path, kept, page, offset, count);
    Included included = includes.of(query, page.resources(), filter(request), includesCount(params, notes));
    if (!included.complete()) {
      String here = page.snapshot() == null ? null : new Cursor(page.snapshot(), offset).encode();
      if (included.next() != null) {
        links.put(includesPath == null ? "next" : "related", PageLinks.url(request,
            includesPath == null ? path : includesPath, IncludedPages.at(kept, count, included.next()), here));
      }
      notes.add(IncludedPages.truncated(included.resources().size(), included.next() != null, includesPath == null));
    }
    Searchset searchset = new Searchset(request, total, links);
    if (ContainedSearch.containedEntries(params)) {
      page.resources().forEach(match -> containedEntries(searchset, query, match));
    } else {
      page.resources().forEach(match -> searchset.add(match, SearchEntryMode.MATCH));
    }
    included.resources().forEach(resource -> searchset.add(resource, SearchEntryMode.INCLUDE));
    searchset.outcome(query, notes, issues);
    return searchset.response();
  }

  /** The page of matches {@code _cursor} names, or the first; an expired snapshot is a 410. */
  private SearchPage matches(SearchQuery query, Map<String, List<String>> params, int count) {
    Cursor cursor = Cursor.parse(first(params, "_cursor"));
    if (cursor == null) {
      return store.search(query, count);
    }
    return store.page(cursor.snapshot(), cursor.offset(), count).orElseThrow(() -> new FhirException(410,
        IssueType.NOTFOUND, "This page of search results has expired; run the search again."));
  }

  /** What included resources must match: the request's restriction, if any. */
  private Criterion filter(FhirRequest request) {
    return restrictions.criterion(request.restriction(), List.of());
  }

  /**
   * The entries of a match for {@code _containedType=contained}: a top-level match of a searched type (with
   * {@code _contained=both}) as it is, and a container's contained resources of the searched types. The index keeps
   * a container's contained values together, so every contained resource of those types is an entry, and paging
   * and totals count containers.
   */
  private static void containedEntries(Searchset searchset, SearchQuery query, ResourceVersion match) {
    if (query.contained() == SearchQuery.Contained.BOTH && query.types().contains(match.type())) {
      searchset.add(match, SearchEntryMode.MATCH);
      return;
    }
    ContainedResources.of(match, query.types()).forEach(contained -> searchset.add(contained.fullUrl(),
        contained.json(), SearchEntryMode.MATCH));
  }

  /**
   * The total of a count-only search: the planner's estimate when the client settles for one, none when it asks for
   * none. (A page's total is exact whatever {@code _total} says: finding the first page counts every match anyway.)
   * A restricted search is counted: the planner's estimate comes from statistics of all the data.
   */
  private Integer total(FhirRequest request, SearchQuery query, String total) {
    if ("none".equals(total)) {
      return null;
    }
    return "estimate".equals(total) && request.restriction() == null ? store.estimate(query) : store.count(query);
  }

  /**
   * The first match of a query built by the caller, within the request's restriction: for an operation that answers
   * one resource of a search (the most current document of {@code $docref}).
   */
  public Optional<ResourceVersion> first(FhirRequest request, SearchQuery query) {
    try {
      return store.search(restrictions.confine(query, request.restriction()), 1).resources().stream().findFirst();
    } catch (QueryTooCostly e) {
      throw FhirException.tooCostly(e.getMessage());
    }
  }

  /** Parses search parameters over {@code types}, as the search interactions do (for an operation's search). */
  public SearchQuery parse(FhirRequest request, Map<String, List<String>> params, List<String> types) {
    String total = first(params, "_total");
    if (total != null && !List.of("none", "estimate", "accurate").contains(total)) {
      throw FhirException.badRequest("_total '" + total + "' is not none, estimate or accurate.");
    }
    return search.parser().parse(types, params,
        new QueryParser.Options(request.prefer().strict(), request.baseUrl(), terminology));
  }

  /** The query's parameters: the URL's, and a form body's for POST [type]/_search. */
  static Map<String, List<String>> params(FhirRequest request) {
    return request.searchParameters();
  }

  private int count(Map<String, List<String>> params, List<String> notes) {
    String value = first(params, "_count");
    if (value == null) {
      return pageSizes.standard();
    }
    int count;
    try {
      count = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw FhirException.badRequest("_count '" + value + "' is not a whole number.");
    }
    if (count < 0) {
      throw FhirException.badRequest("_count must not be negative.");
    }
    if (count > pageSizes.max()) {
      notes.add("_count " + count + " is more than this server serves per page; pages hold " + pageSizes.max() + ".");
      return pageSizes.max();
    }
    return count;
  }

  /** How many included resources a page holds: {@code _includesCount}, at most --max-includes (the default). */
  private int includesCount(Map<String, List<String>> params, List<String> notes) {
    String value = first(params, "_includesCount");
    if (value == null) {
      return pageSizes.maxIncludes();
    }
    int count;
    try {
      count = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw FhirException.badRequest("_includesCount '" + value + "' is not a whole number.");
    }
    if (count < 1) {
      throw FhirException.badRequest("_includesCount must be at least 1.");
    }
    if (count > pageSizes.maxIncludes()) {
      notes.add("_includesCount " + count + " is more than this server includes per page; pages include "
          + pageSizes.maxIncludes() + ".");
      return pageSizes.maxIncludes();
    }
    return count;
  }

  static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Where a later page starts: the snapshot and the number of matches before the page. */
  record Cursor(String snapshot, int offset) {
    static Cursor parse(String value) {
      if (value == null) {
        return null;
      }
      int dot = value.lastIndexOf('.');
      try {
        int offset = Integer.parseInt(value.substring(dot + 1));
        if (dot <= 0 || offset < 0) {
          throw new NumberFormatException();
        }
        return new Cursor(value.substring(0, dot), offset);
      } catch (NumberFormatException e) {
        throw FhirException.badRequest("_cursor '" + value + "' is not a page of this server's search results.");
      }
    }

    String encode() {
      return snapshot + "." + offset;
    }
  }
}
