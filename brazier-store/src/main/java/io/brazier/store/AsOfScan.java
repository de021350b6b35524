package io.brazier.store;

import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.SearchQuery;
import java.util.List;

/**
 * A scan of the live resources of one type as they were when change {@code sequence} was the last one (see
 * {@link Store#watermark}): each resource at its version of then, left out if it was deleted then or created since.
 * {@code query} (null: none) holds search criteria the versions of then must meet, decided on those versions even
 * when they have changed since; several searches of one type (an export's {@code _typeFilter}s) are one query whose
 * criterion is a {@link Criterion.AnyOf} of each search's criteria as a {@link Criterion.AllOf}. {@code after}
 * (null: from the start) resumes after a page's {@code next}; {@code count} is the most versions per page.
 *
 * <p>Criteria that relate a resource to others (chains, {@code _has}, {@code _list}) cannot be decided as of a
 * sequence, since the others' search index is that of their current versions, and are refused, as are sorting,
 * includes and {@code _contained}: the constructor throws {@link IllegalArgumentException} with a message for the
 * client, so a caller can check a request before it starts.
 */
public record AsOfScan(String type, long sequence, SearchQuery query, ScanCursor after, int count) {

  public AsOfScan {
    if (sequence < 0) {
      throw new IllegalArgumentException("A change sequence is never negative, not " + sequence);
    }
    if (count < 1) {
      throw new IllegalArgumentException("A scan page holds at least one resource, not " + count);
    }
    if (query != null) {
      check(type, query);
    }
  }

  /** The whole type, from the start, with no criteria. */
  public static AsOfScan of(String type, long sequence, int count) {
    return new AsOfScan(type, sequence, null, null, count);
  }

  /** The same scan, resuming after {@code cursor}. */
  public AsOfScan after(ScanCursor cursor) {
    return new AsOfScan(type, sequence, query, cursor, count);
  }

  /** The same scan, kept to the compartments of these patients (a Patient scan: these patients themselves). */
  public AsOfScan inPatientCompartments(List<String> patients, Compartments compartments) {
    Criterion compartment = new Criterion.InCompartment("Patient", patients, compartments.params("Patient"), true);
    SearchQuery criteria = query == null ? SearchQuery.of(List.of(type), List.of()) : query;
    return new AsOfScan(type, sequence, criteria.withCriterion(compartment), after, count);
  }

  private static void check(String type, SearchQuery query) {
    if (!query.types().equals(List.of(type))) {
      throw new IllegalArgumentException("A scan's criteria are of its type " + type + ", not of " + query.types());
    }
    if (!query.sort().isEmpty() || !query.includes().isEmpty() || !query.revIncludes().isEmpty()) {
      throw new IllegalArgumentException("A scan takes no _sort, _include or _revinclude: its order is its own.");
    }
    if (query.contained() != SearchQuery.Contained.TOP_LEVEL) {
      throw new IllegalArgumentException("A scan searches top-level resources only: _contained is not supported.");
    }
    query.criteria().forEach(AsOfScan::check);
  }

  private static void check(Criterion criterion) {
    if (criterion instanceof Criterion.Chain || criterion instanceof Criterion.Has
        || criterion instanceof Criterion.InList) {
      throw new IllegalArgumentException("Chained parameters, _has and _list cannot be decided as of a past"
          + " point: the resources they relate to are searched as they are now. Use the referenced resource's"
          + " own parameters, such as subject=Patient/123.");
    } else if (criterion instanceof Criterion.AnyOf anyOf) {
      anyOf.alternatives().forEach(AsOfScan::check);
    } else if (criterion instanceof Criterion.AllOf allOf) {
      allOf.criteria().forEach(AsOfScan::check);
    } else if (criterion instanceof Criterion.Not not) {
      check(not.inner());
    }
  }
}
