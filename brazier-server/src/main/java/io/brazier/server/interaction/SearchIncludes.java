package io.brazier.server.interaction;

import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.SearchParam;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.SearchQuery.Include;
import io.brazier.store.IncludeQuery;
import io.brazier.store.IncludedPage;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code _include} and {@code _revinclude} for a page of matches, with {@code :iterate} followed from what was
 * included, up to a count per page. Without {@code :iterate} the included resources come in one order (their row
 * keys), so that when they do not all fit, {@link #after} serves the rest page by page ({@code $includes}), none
 * twice and none missed; what {@code :iterate} finds depends on all that came before it, so it is not paged.
 * https://hl7.org/fhir/R4/search.html#include
 */
final class SearchIncludes {
  private static final int MAX_ITERATIONS = 4;

  private final Store store;
  private final SearchParameters params;
  private final Set<String> resourceTypes;

  SearchIncludes(Store store, SearchParameters params, Set<String> resourceTypes) {
    this.store = store;
    this.params = params;
    this.resourceTypes = resourceTypes;
  }

  /**
   * What a page's included resources are: at most the count asked for; {@code complete} when that is all of them;
   * {@code next}, when there are more and {@link #after} can serve them, the row key the next page resumes after.
   */
  record Included(List<ResourceVersion> resources, boolean complete, Long next) {
    static final Included NONE = new Included(List.of(), true, null);
  }

  /** What {@code matches} include that matches {@code filter} (null: all of it), at most {@code limit}. */
  Included of(SearchQuery query, List<ResourceVersion> matches, Criterion filter, int limit) {
    if (query.includes().isEmpty() && query.revIncludes().isEmpty()) {
      return Included.NONE;
    }
    List<ResourceVersion> served = new ArrayList<>(matches);
    List<ResourceVersion> frontier = matches;
    for (int round = 0; round < MAX_ITERATIONS && !frontier.isEmpty(); round++) {
      IncludeQuery include = round(query, frontier, served, filter, round == 0);
      if (include == null) {
        break;
      }
      IncludedPage page = store.include(include, 0, limit - (served.size() - matches.size()));
      served.addAll(page.resources());
      if (page.next() != null) {
        List<ResourceVersion> included = served.subList(matches.size(), served.size());
        return new Included(included, false, iterates(query) ? null : page.next());
      }
      frontier = page.resources();
    }
    return new Included(served.subList(matches.size(), served.size()), true, null);
  }

  /**
   * The included resources of {@code matches} after row key {@code after}, at most {@code limit}: the pages that
   * follow what {@link #of} served, for a query that does not iterate.
   */
  IncludedPage after(SearchQuery query, List<ResourceVersion> matches, Criterion filter, long after, int limit) {
    IncludeQuery include = round(query, matches, matches, filter, true);
    return include == null ? new IncludedPage(List.of(), null) : store.include(include, after, limit);
  }

  static boolean iterates(SearchQuery query) {
    return Stream.concat(query.includes().stream(), query.revIncludes().stream()).anyMatch(Include::iterate);
  }

  /** What a round includes from {@code frontier}, leaving out what was {@code served}; null when nothing. */
  private IncludeQuery round(SearchQuery query, List<ResourceVersion> frontier, List<ResourceVersion> served,
      Criterion filter, boolean first) {
    List<Include> forward = forward(query.includes(), frontier, first);
    List<Include> reverse = reverse(query.revIncludes(), first);
    if (forward.isEmpty() && reverse.isEmpty()) {
      return null;
    }
    return new IncludeQuery(frontier, forward, reverse, served, filter);
  }

  /** The includes that apply in this round, with {@code *} spelt out as reference parameters of the sources. */
  private List<Include> forward(List<Include> includes, List<ResourceVersion> from, boolean first) {
    Set<String> sourceTypes = new LinkedHashSet<>();
    from.forEach(resource -> sourceTypes.add(resource.type()));
    List<Include> concrete = new ArrayList<>();
    for (Include include : includes) {
      if (!first && !include.iterate()) {
        continue;
      }
      for (String type : sourceTypes) {
        if (include.sourceType().equals("*") || include.sourceType().equals(type)) {
          concrete.addAll(spelt(type, include));
        }
      }
    }
    return concrete;
  }

  private List<Include> reverse(List<Include> includes, boolean first) {
    List<Include> concrete = new ArrayList<>();
    for (Include include : includes) {
      if (!first && !include.iterate()) {
        continue;
      }
      if (include.sourceType().equals("*")) {
        for (String type : resourceTypes) {
          concrete.addAll(spelt(type, include));
        }
      } else {
        concrete.addAll(spelt(include.sourceType(), include));
      }
    }
    return concrete;
  }

  private List<Include> spelt(String type, Include include) {
    if (!include.param().equals("*")) {
      return List.of(new Include(type, include.param(), include.targetType(), include.iterate()));
    }
    List<Include> all = new ArrayList<>();
    // forType lists the disabled parameters too, as they are still indexed; searches do not know them.
    for (SearchParam param : params.forType(type)) {
      if (param.type() == ParamType.REFERENCE && params.enabled(param)) {
        all.add(new Include(type, param.code(), include.targetType(), include.iterate()));
      }
    }
    return all;
  }
}
