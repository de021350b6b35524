package io.brazier.fhir.search;

import java.util.List;

/**
 * A parsed search: the resource types it runs over (one for a type search; several or none, meaning all, for a
 * system search), the criteria that must all hold, the sort order and what to include. The paging and rendering
 * parameters stay with the request.
 */
public record SearchQuery(List<String> types, List<Criterion> criteria, List<SortKey> sort, List<Include> includes,
    List<Include> revIncludes, List<Ignored> ignored, Contained contained) {

  /**
   * Which resources the criteria apply to ({@code _contained}): top-level ones (false, the default), resources
   * contained in others (true: the matches are their containers), or both.
   * https://hl7.org/fhir/R4/search.html#contained
   */
  public enum Contained { TOP_LEVEL, CONTAINED, BOTH }

  /** A query parameter left out of a lenient search, and why. */
  public record Ignored(String parameter, String reason) {}

  /** One {@code _sort} field: a parameter of the searched types, or {@code _id} / {@code _lastUpdated}. */
  public record SortKey(String param, ParamType type, boolean descending) {}

  /**
   * An {@code _include} ({@code sourceType:param[:targetType]}) or {@code _revinclude}; {@code param} "*" means every
   * reference parameter of the source type.
   */
  public record Include(String sourceType, String param, String targetType, boolean iterate) {}

  public SearchQuery {
    types = List.copyOf(types);
    criteria = List.copyOf(criteria);
    sort = List.copyOf(sort);
    includes = List.copyOf(includes);
    revIncludes = List.copyOf(revIncludes);
    ignored = List.copyOf(ignored);
  }

  public SearchQuery(List<String> types, List<Criterion> criteria, List<SortKey> sort, List<Include> includes,
      List<Include> revIncludes, List<Ignored> ignored) {
    this(types, criteria, sort, includes, revIncludes, ignored, Contained.TOP_LEVEL);
  }

  public static SearchQuery of(List<String> types, List<Criterion> criteria) {
    return new SearchQuery(types, criteria, List.of(), List.of(), List.of(), List.of());
  }

  public SearchQuery withCriterion(Criterion criterion) {
    List<Criterion> more = new java.util.ArrayList<>(criteria);
    more.add(criterion);
    return new SearchQuery(types, more, sort, includes, revIncludes, ignored, contained);
  }

  public SearchQuery withContained(Contained contained) {
    return new SearchQuery(types, criteria, sort, includes, revIncludes, ignored, contained);
  }
}
