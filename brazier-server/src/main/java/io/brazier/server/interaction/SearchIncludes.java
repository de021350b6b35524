package io.brazier.server.interaction;

import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.SearchParam;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.SearchQuery.Include;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code _include} and {@code _revinclude} for a page of matches, with {@code :iterate} followed from what was
 * included, up to a bound per page; reaching the bound is said in the outcome entry, never silent.
 * https://hl7.org/fhir/R4/search.html#include
 */
final class SearchIncludes {
  /** Most resources included with one page. */
  static final int MAX_INCLUDED = 1000;
  private static final int MAX_ITERATIONS = 4;

  private final Store store;
  private final SearchParameters params;
  private final Set<String> resourceTypes;

  SearchIncludes(Store store, SearchParameters params, Set<String> resourceTypes) {
    this.store = store;
    this.params = params;
    this.resourceTypes = resourceTypes;
  }

  /** What {@code matches} include that matches {@code filter} (null: all of it), at most {@link #MAX_INCLUDED}. */
  List<ResourceVersion> of(SearchQuery query, List<ResourceVersion> matches, Criterion filter, List<String> notes) {
    if (query.includes().isEmpty() && query.revIncludes().isEmpty()) {
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    matches.forEach(match -> seen.add(key(match)));
    List<ResourceVersion> included = new ArrayList<>();
    List<ResourceVersion> frontier = matches;
    for (int round = 0; round < MAX_ITERATIONS && !frontier.isEmpty(); round++) {
      boolean first = round == 0;
      List<Include> forward = forward(query.includes(), frontier, first);
      List<Include> reverse = reverse(query.revIncludes(), first);
      if (forward.isEmpty() && reverse.isEmpty()) {
        break;
      }
      int room = MAX_INCLUDED - included.size();
      List<ResourceVersion> found = new ArrayList<>(store.include(frontier, forward, false, room + 1, filter));
      found.addAll(store.include(frontier, reverse, true, room + 1, filter));
      List<ResourceVersion> fresh = new ArrayList<>();
      for (ResourceVersion resource : found) {
        if (seen.add(key(resource))) {
          fresh.add(resource);
        }
      }
      if (fresh.size() > room) {
        included.addAll(fresh.subList(0, room));
        notes.add("More resources were to be included than the " + MAX_INCLUDED + " this server includes with a"
            + " page; the first " + MAX_INCLUDED + " are here. Use a smaller _count to get all of them.");
        break;
      }
      included.addAll(fresh);
      frontier = fresh;
    }
    return included;
  }

  private static String key(ResourceVersion version) {
    return version.type() + "/" + version.id();
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
    for (SearchParam param : params.forType(type)) {
      if (param.type() == ParamType.REFERENCE) {
        all.add(new Include(type, param.code(), include.targetType(), include.iterate()));
      }
    }
    return all;
  }
}
