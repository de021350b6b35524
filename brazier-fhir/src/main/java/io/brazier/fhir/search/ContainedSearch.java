package io.brazier.fhir.search;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.AllOf;
import io.brazier.fhir.search.Criterion.AnyOf;
import io.brazier.fhir.search.Criterion.Not;
import io.brazier.fhir.search.SearchQuery.Contained;
import java.util.List;
import java.util.Map;

/**
 * {@code _contained} and {@code _containedType}: whether a search's criteria apply to contained resources, and
 * whether their containers or the contained resources themselves are the entries. Contained resources are indexed
 * on their container's rows (see {@link SearchIndex#containedOf}), so a contained match is a container that holds a
 * resource of the searched type meeting the criterion. The rows cannot tell which contained resource met what, so
 * only what one criterion decides is searched; the rest (two parameters, negations) is refused (400), never
 * answered wrong. https://hl7.org/fhir/R4/search.html#contained
 */
public final class ContainedSearch {
  private ContainedSearch() {}

  /** The query with its {@code _contained} mode, once checked that the rest of the query goes with it. */
  static SearchQuery apply(SearchQuery query, Map<String, List<String>> params) {
    String value = single(params, "_contained");
    Contained contained = switch (value == null ? "false" : value) {
      case "false" -> Contained.TOP_LEVEL;
      case "true" -> Contained.CONTAINED;
      case "both" -> Contained.BOTH;
      default -> throw FhirException.badRequest("_contained '" + value + "' is not true, false or both.");
    };
    boolean entries = containedEntries(params);
    if (contained == Contained.TOP_LEVEL) {
      if (entries) {
        throw FhirException.badRequest("_containedType=contained needs _contained=true or both.");
      }
      return query;
    }
    if (contained == Contained.BOTH && entries) {
      throw unsupported("_containedType=contained (a container may match itself or through what it holds)");
    }
    if (query.criteria().size() > 1) {
      // A container's contained resources share its index rows: two parameters could be met by two of them.
      throw unsupported("more than one search parameter");
    }
    if (query.types().isEmpty()) {
      throw unsupported("a search of every type; name the contained resources' type (_type)");
    }
    if (!query.includes().isEmpty() || !query.revIncludes().isEmpty()) {
      throw unsupported("_include and _revinclude");
    }
    for (SearchQuery.SortKey key : query.sort()) {
      if (contained == Contained.BOTH || key.param().equals("_id") || key.param().equals("_lastUpdated")) {
        throw unsupported("_sort=" + key.param() + (contained == Contained.BOTH ? " and _contained=both" : ""));
      }
    }
    query.criteria().forEach(ContainedSearch::check);
    return query.withContained(contained);
  }

  /** Whether the entries are the contained resources ({@code _containedType=contained}) or their containers. */
  public static boolean containedEntries(Map<String, List<String>> params) {
    String value = single(params, "_containedType");
    if (value == null || value.equals("container")) {
      return false;
    }
    if (value.equals("contained")) {
      return true;
    }
    throw FhirException.badRequest("_containedType '" + value + "' is not container or contained.");
  }

  /** Criteria that look past the index rows (the row's own dates, other resources, the narrative) are refused. */
  private static void check(Criterion criterion) {
    if (criterion instanceof AnyOf anyOf) {
      anyOf.alternatives().forEach(ContainedSearch::check);
    } else if (criterion instanceof AllOf allOf) {
      allOf.criteria().forEach(ContainedSearch::check);
    } else if (criterion instanceof Not || criterion instanceof Criterion.Missing
        || criterion instanceof Criterion.TokenMatch token && token.negated()
        || criterion instanceof Criterion.IdMatch id && id.negated()) {
      // Decided over all the contained resources of a container together, a negation would be true of the container.
      throw unsupported("a negation (:not, :missing, not)");
    } else if (criterion instanceof Criterion.LastUpdatedMatch) {
      throw unsupported("_lastUpdated (a contained resource has no lastUpdated of its own)");
    } else if (criterion instanceof Criterion.Chain chain) {
      throw unsupported("the chain " + chain.param());
    } else if (criterion instanceof Criterion.Has) {
      throw unsupported("_has");
    } else if (criterion instanceof Criterion.InList) {
      throw unsupported("_list");
    } else if (criterion instanceof Criterion.TextMatch text) {
      throw unsupported(text.param());
    } else if (criterion instanceof Criterion.InCompartment) {
      throw unsupported("a compartment search");
    }
  }

  /** What goes with {@code _contained} is searched once: two values are a 400, not a guess. */
  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw FhirException.badRequest(name + " is given " + values.size() + " times; give it once.");
    }
    return values.get(0);
  }

  public static FhirException unsupported(String what) {
    return FhirException.notSupported("_contained=true or both is not supported with " + what + ".");
  }
}
