package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchIndex;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.Restriction;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether stored resources lie within a {@link Restriction}, decided on each version by its own references (the
 * search index holds only current versions): what reads, vreads, history and instance operations answer 404 for, and
 * what writes may change and store. A deletion lies where the version it deleted did.
 */
public final class Reachable {
  private final Store store;
  private final FhirSearch search;
  private final Compartments compartments;
  private final RestrictionCriteria criteria;

  public Reachable(Store store, FhirSearch search, RestrictionCriteria criteria) {
    this.store = store;
    this.search = search;
    this.compartments = search.compartments();
    this.criteria = criteria;
  }

  /** Whether {@code version} lies within {@code restriction} (null: everything does). */
  public boolean reaches(Restriction restriction, ResourceVersion version) {
    if (restriction == null || !isMember(restriction, version.type())) {
      return true;
    }
    ResourceVersion live = version.deleted()
        ? store.version(version.type(), version.id(), version.version() - 1).orElse(null) : version;
    return live != null && !live.deleted() && restriction.reaches(owners(restriction, live));
  }

  /** The current version of a resource (a deletion, perhaps), or nothing when it was never stored or lies outside. */
  public Optional<ResourceVersion> current(Restriction restriction, String type, String id) {
    return store.current(type, id).filter(version -> reaches(restriction, version));
  }

  /**
   * The current version of a resource that is there to read: a 404 when it was never stored or lies outside
   * {@code restriction}, a 410 when it is deleted.
   */
  public ResourceVersion live(Restriction restriction, String type, String id) {
    ResourceVersion current = current(restriction, type, id).orElseThrow(() -> FhirException.notFound(type, id));
    if (current.deleted()) {
      throw FhirException.gone(type, id);
    }
    return current;
  }

  /** The resources among {@code resources} ({@code Type/id}) that {@code restriction} reaches: a search per type. */
  Set<String> reached(Restriction restriction, Collection<String> resources) {
    if (restriction == null) {
      return Set.copyOf(resources);
    }
    Map<String, List<String>> byType = new LinkedHashMap<>();
    resources.forEach(key -> byType.computeIfAbsent(key.substring(0, key.indexOf('/')), t -> new ArrayList<>())
        .add(key.substring(key.indexOf('/') + 1)));
    Set<String> reached = new HashSet<>();
    byType.forEach((type, ids) -> {
      Criterion kept = criteria.criterion(restriction, List.of(type));
      List<String> found = kept == null ? ids
          : store.ids(SearchQuery.of(List.of(type), List.of(new IdMatch(ids, false), kept)), ids.size());
      found.forEach(id -> reached.add(type + "/" + id));
    });
    return reached;
  }

  /**
   * Refuses writes that {@code restriction} does not allow: one that replaces a version outside it is a 404, as
   * that resource is not known to the caller; one that would store a resource outside it, or in a compartment it
   * does not reach as well, is a 403. The versions in {@code reached} were found within it already: what replaces
   * one of them is not looked at again (a restricted update would otherwise read and index its current version
   * twice).
   */
  void checkWrites(Restriction restriction, List<Write> writes, List<ResourceVersion> reached) {
    if (restriction == null) {
      return;
    }
    Set<String> known = new HashSet<>();
    reached.forEach(version -> known.add(key(version.type(), version.id(), version.version())));
    for (Write write : writes) {
      if (!isMember(restriction, write.type())) {
        continue;
      }
      if (write.version() > 1 && !known.contains(key(write.type(), write.id(), write.version() - 1))
          && store.version(write.type(), write.id(), write.version() - 1)
              .filter(replaced -> reaches(restriction, replaced)).isEmpty()) {
        throw FhirException.notFound(write.type(), write.id());
      }
      if (!write.deleted() && !restriction.admits(owners(restriction, write.type(), write.id(), write.index()))) {
        throw FhirException.forbidden("The caller may not store this " + write.type() + ": it would be in a "
            + restriction.compartment() + " compartment the caller does not reach, or in none.");
      }
    }
  }

  private static String key(String type, String id, int version) {
    return type + "/" + id + "/" + version;
  }

  private boolean isMember(Restriction restriction, String type) {
    return compartments.hasMembers(restriction.compartment(), type);
  }

  private Set<String> owners(Restriction restriction, ResourceVersion live) {
    return owners(restriction, live.type(), live.id(), search.index(live.json()));
  }

  private Set<String> owners(Restriction restriction, String type, String id, SearchIndex index) {
    return compartments.owners(restriction.compartment(), type, id, index);
  }
}
