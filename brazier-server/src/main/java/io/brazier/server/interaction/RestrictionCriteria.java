package io.brazier.server.interaction;

import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.AllOf;
import io.brazier.fhir.search.Criterion.AnyOf;
import io.brazier.fhir.search.Criterion.Chain;
import io.brazier.fhir.search.Criterion.Has;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.Criterion.InCompartment;
import io.brazier.fhir.search.Criterion.InList;
import io.brazier.fhir.search.Criterion.Not;
import io.brazier.fhir.search.Criterion.OfType;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.Restriction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link Restriction} as search criteria: the criterion that keeps a search to what the restriction reaches, added
 * to the query's own criteria and to every chain, {@code _has} and {@code _list} in them, so that the database counts,
 * pages and includes only that, and no criterion can look at a resource outside.
 */
public final class RestrictionCriteria {
  /** Matches no resource: of none of the types. */
  private static final Criterion NOTHING = new OfType(List.of());

  private final Compartments compartments;

  public RestrictionCriteria(Compartments compartments) {
    this.compartments = compartments;
  }

  /** {@code query} kept to {@code restriction}; the query itself when there is none. */
  public SearchQuery confine(SearchQuery query, Restriction restriction) {
    if (restriction == null) {
      return query;
    }
    List<Criterion> criteria = new ArrayList<>();
    query.criteria().forEach(criterion -> criteria.add(confined(criterion, restriction)));
    // A contained search matches containers, which may be of any type.
    boolean topLevel = query.contained() == SearchQuery.Contained.TOP_LEVEL;
    Criterion own = criterion(restriction, topLevel ? query.types() : List.of());
    if (own != null && !alreadyWithin(query.criteria(), restriction)) {
      criteria.add(own);
    }
    return new SearchQuery(query.types(), criteria, query.sort(), query.includes(), query.revIncludes(),
        query.ignored(), query.contained());
  }

  /**
   * What a resource of one of {@code types} (empty: of any type) must match to be reached; null when the restriction
   * lets every such resource through (none of the types has members in its compartment, say).
   */
  public Criterion criterion(Restriction restriction, List<String> types) {
    if (restriction == null) {
      return null;
    }
    String compartment = restriction.compartment();
    Map<String, List<String>> params = compartments.params(compartment);
    Set<String> members = new TreeSet<>(params.keySet());
    members.add(compartment);
    List<String> searched = types.isEmpty() ? List.copyOf(members) : types.stream().filter(members::contains).toList();
    if (searched.isEmpty()) {
      return null;
    }
    boolean owners = searched.contains(compartment);
    Map<String, List<String>> links = new TreeMap<>(params);
    links.keySet().retainAll(searched);
    List<Criterion> parts = new ArrayList<>();
    if (restriction.within() != null) {
      parts.add(restriction.within().isEmpty() ? NOTHING
          : new InCompartment(compartment, sorted(restriction.within()), links, owners));
    }
    if (!restriction.outside().isEmpty()) {
      parts.add(new Not(new InCompartment(compartment, sorted(restriction.outside()), links, owners)));
    }
    if (parts.isEmpty()) {
      return null;
    }
    Criterion kept = parts.size() == 1 ? parts.get(0) : new AllOf(parts);
    boolean allMembers = !types.isEmpty() && searched.size() == types.size();
    return allMembers ? kept : new AnyOf(List.of(new Not(new OfType(searched)), kept));
  }

  /**
   * Whether the query's own criteria already keep it inside the compartments the restriction reaches (a compartment
   * search or {@code $everything} for the caller's own patient), so that the restriction's criterion would ask the
   * database the same question twice. Never with owners left out (a consent opt-out): that needs its own test.
   */
  private boolean alreadyWithin(List<Criterion> criteria, Restriction restriction) {
    return restriction.within() != null && restriction.outside().isEmpty() && criteria.stream().anyMatch(
        criterion -> criterion instanceof InCompartment in && in.compartmentType().equals(restriction.compartment())
            && !in.ids().isEmpty() && restriction.within().containsAll(in.ids()) && byDefinition(in));
  }

  /** Whether a compartment criterion looks only at the references the compartment's definition names. */
  private boolean byDefinition(InCompartment in) {
    Map<String, List<String>> defined = compartments.params(in.compartmentType());
    return in.paramsByType().entrySet().stream().allMatch(
        entry -> defined.getOrDefault(entry.getKey(), List.of()).containsAll(entry.getValue()));
  }

  /** A criterion whose chains, {@code _has} and {@code _list} look only at resources the restriction reaches. */
  private Criterion confined(Criterion criterion, Restriction restriction) {
    if (criterion instanceof Chain chain) {
      return new Chain(chain.param(), chain.targetTypes(),
          both(confined(chain.inner(), restriction), criterion(restriction, chain.targetTypes())));
    } else if (criterion instanceof Has has) {
      // Only a source the restriction reaches counts: what refers to a resource from outside it stays unknown.
      List<String> sourceTypes = has.sourceType() == null ? List.of() : List.of(has.sourceType());
      return new Has(has.sourceType(), has.param(),
          both(confined(has.inner(), restriction), criterion(restriction, sourceTypes)));
    } else if (criterion instanceof InList list) {
      Criterion reached = criterion(restriction, List.of("List"));
      // The same test as _list: a List among those refers to the resource as an item; only a reached List counts.
      return reached == null ? list : new Has("List", "item", both(new IdMatch(list.listIds(), false), reached));
    } else if (criterion instanceof AnyOf anyOf) {
      return new AnyOf(anyOf.alternatives().stream().map(each -> confined(each, restriction)).toList());
    } else if (criterion instanceof AllOf allOf) {
      return new AllOf(allOf.criteria().stream().map(each -> confined(each, restriction)).toList());
    } else if (criterion instanceof Not not) {
      return new Not(confined(not.inner(), restriction));
    }
    return criterion;
  }

  /** Both criteria; either may be null (none). */
  private static Criterion both(Criterion first, Criterion second) {
    if (first == null || second == null) {
      return first == null ? second : first;
    }
    return new AllOf(List.of(first, second));
  }

  private static List<String> sorted(Set<String> ids) {
    return List.copyOf(new TreeSet<>(ids));
  }
}
