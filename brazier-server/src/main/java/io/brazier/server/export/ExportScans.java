package io.brazier.server.export;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.DateRange;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.Prefix;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.Terminology;
import io.brazier.server.http.Queries;
import io.brazier.server.interaction.RestrictionCriteria;
import io.brazier.store.AsOfScan;
import io.brazier.store.ScanCursor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store scans of an export, one per type: as of the export's sequence, kept to its {@code _typeFilter} searches
 * (a resource matches one of a type's), to {@code _since} and {@code _until}, and at Patient and Group level to the
 * patients' compartments, and to what the submitting caller may reach (its restriction), as its searches are. A
 * {@code _typeFilter} is checked when the export is asked for, so that a search the scan
 * cannot run is a 400 rather than a failed job; the run parses it strictly, so that one that has become unknown
 * since fails the job rather than widen it.
 */
final class ExportScans {
  /** What a {@code _typeFilter} may not hold: it selects resources, the export shapes its own output. */
  private static final Set<String> NOT_IN_FILTERS = Set.of("_include", "_revinclude", "_sort", "_count", "_elements",
      "_summary", "_total", "_format", "_pretty", "_cursor", "_contained", "_containedType");

  private final FhirSearch search;
  private final Terminology terminology;
  private final RestrictionCriteria restrictions;
  private final int page;

  ExportScans(FhirSearch search, Terminology terminology, int page) {
    this.search = search;
    this.terminology = terminology;
    this.restrictions = new RestrictionCriteria(search.compartments());
    this.page = page;
  }

  /**
   * The scan of {@code type}, from the start or after {@code after} (a {@link ScanCursor#encode}); null when the
   * export has no patients to take that type's resources from (a Group without patient members).
   */
  AsOfScan of(ExportRequest request, String type, String after) {
    List<Criterion> criteria = selected(request, type);
    restricted(request, type).ifPresent(criteria::add);
    SearchQuery query = criteria.isEmpty() ? null : SearchQuery.of(List.of(type), criteria);
    AsOfScan scan = new AsOfScan(type, request.sequence(), query, after == null ? null : ScanCursor.decode(after),
        page);
    if (request.level() == ExportRequest.Level.SYSTEM) {
      return scan;
    }
    if (request.patients() != null && request.patients().isEmpty()) {
      return null;
    }
    return scan.inPatientCompartments(request.patients() == null ? List.of() : request.patients(),
        search.compartments());
  }

  /**
   * The resources of {@code type} among {@code ids}, as of the export's sequence: those of a referenced type kept to
   * {@code _since}, {@code _until} and its {@code _typeFilter}s, as any resource of a type the export names; the
   * Provenance of {@code includeAssociatedData} (a type of the compartment, never a referenced one) all of them.
   */
  AsOfScan ofIds(ExportRequest request, String type, List<String> ids, String after) {
    List<Criterion> criteria = request.referenced().contains(type) ? selected(request, type) : new ArrayList<>();
    criteria.add(new Criterion.IdMatch(ids, false));
    restricted(request, type).ifPresent(criteria::add);
    SearchQuery query = SearchQuery.of(List.of(type), criteria);
    return new AsOfScan(type, request.sequence(), query, after == null ? null : ScanCursor.decode(after), page);
  }

  /**
   * The resources of {@code type} whose reference parameter {@code param} names one of {@code keys}
   * ({@code Type/id}), as of the export's sequence and kept to its caller's restriction.
   */
  AsOfScan targeting(ExportRequest request, String type, String param, List<String> keys) {
    List<Criterion.ReferenceValue> targets = keys.stream().map(key -> key.split("/", 2))
        .map(key -> new Criterion.ReferenceValue(key[0], key[1], null, null)).toList();
    List<Criterion> criteria = new ArrayList<>(List.of(new Criterion.ReferenceMatch(param, targets)));
    restricted(request, type).ifPresent(criteria::add);
    return new AsOfScan(type, request.sequence(), SearchQuery.of(List.of(type), criteria), null, page);
  }

  /**
   * The export's own scan of {@code type} kept to {@code ids}: which of them it writes as resources of that type;
   * null when it writes none.
   */
  AsOfScan among(ExportRequest request, String type, List<String> ids) {
    AsOfScan scan = of(request, type, null);
    if (scan == null) {
      return null;
    }
    SearchQuery query = scan.query() == null ? SearchQuery.of(List.of(type), List.of()) : scan.query();
    return new AsOfScan(type, scan.sequence(), query.withCriterion(new Criterion.IdMatch(ids, false)), null, page);
  }

  /**
   * One {@code _typeFilter} search, parsed as the scan runs it: a 400 for a parameter it may not hold, one the type
   * does not have (unless lenient, which leaves it out), or criteria that cannot be decided as of a sequence.
   */
  SearchQuery filter(String type, String query, boolean strict, String baseUrl) {
    Map<String, List<String>> params = Queries.parse(query);
    for (String name : params.keySet()) {
      if (NOT_IN_FILTERS.contains(name.split(":", 2)[0])) {
        throw FhirException.badRequest("_typeFilter " + type + "?" + query + " may not hold " + name
            + ": a _typeFilter selects resources, and the export decides what it writes.");
      }
    }
    try {
      SearchQuery parsed = search.parser().parse(List.of(type), params,
          new QueryParser.Options(strict, baseUrl, terminology));
      new AsOfScan(type, 0, parsed, null, 1);
      return parsed;
    } catch (IllegalArgumentException | FhirException e) {
      if (e instanceof FhirException failure && failure.status() != 400) {
        throw failure;
      }
      // What the search says, said of the _typeFilter that holds it.
      throw FhirException.badRequest("_typeFilter " + type + "?" + query + ": " + e.getMessage());
    }
  }

  /**
   * A {@code _typeFilter} as the export keeps it: without the parameters its lenient kick-off left out
   * ({@code parsed}), so that the run parses it strictly and, should a parameter it holds be unknown by then (disabled),
   * fails rather than export more than the kick-off selected. A parameter is left out only for the values of it
   * that were.
   */
  String kept(String type, String query, SearchQuery parsed, String baseUrl) {
    Set<String> ignored = new HashSet<>();
    parsed.ignored().forEach(left -> ignored.add(left.parameter()));
    if (ignored.isEmpty()) {
      return query;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : query.split("&")) {
      boolean leftOut = Queries.parse(pair).keySet().stream().anyMatch(ignored::contains)
          && !filter(type, pair, false, baseUrl).ignored().isEmpty();
      if (!leftOut) {
        kept.add(pair);
      }
    }
    return String.join("&", kept);
  }

  /** What a resource of {@code type} must match for the submitting caller to reach it; empty when anything does. */
  private Optional<Criterion> restricted(ExportRequest request, String type) {
    return Optional.ofNullable(restrictions.criterion(request.restriction(), List.of(type)));
  }

  /** What a resource of {@code type} must match to be exported: {@code _since}, {@code _until}, a _typeFilter. */
  private List<Criterion> selected(ExportRequest request, String type) {
    List<Criterion> criteria = new ArrayList<>(dates(request));
    List<SearchQuery> filters = request.typeFilters().getOrDefault(type, List.of()).stream()
        .map(filter -> filter(type, filter, true, request.baseUrl())).toList();
    if (filters.size() == 1) {
      criteria.addAll(filters.get(0).criteria());
    } else if (filters.size() > 1) {
      criteria.add(new Criterion.AnyOf(filters.stream()
          .<Criterion>map(filter -> new Criterion.AllOf(filter.criteria())).toList()));
    }
    return criteria;
  }

  private static List<Criterion> dates(ExportRequest request) {
    List<Criterion> criteria = new ArrayList<>();
    if (request.since() != null) {
      criteria.add(updated(Prefix.GE, request.since()));
    }
    if (request.until() != null) {
      criteria.add(updated(Prefix.LE, request.until()));
    }
    return criteria;
  }

  private static Criterion updated(Prefix prefix, String instant) {
    return new Criterion.LastUpdatedMatch(List.of(new DateValue(prefix, DateRange.parse(instant))));
  }
}
