package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Prefix;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.FhirRequest;
import io.brazier.server.interaction.Conditions;
import io.brazier.store.AsOfScan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code $bulk-delete} or {@code $bulk-delete-soft-deleted} asks, read from its query as Microsoft's FHIR
 * server reads it, and kept as its job's request: what to do, the types to walk in order, and the search criteria
 * that select within each. Everything is checked here, before a job starts: a bad flag, type or criterion is a 400.
 *
 * @param mode what becomes of each selected resource
 * @param types the types to walk, sorted: the one of a type-level request, or every type (those of {@code _type})
 *     but the {@code excludedResourceTypes}
 * @param criteria the search criteria, valid for every one of the types
 * @param sequence the change sequence of the kick-off ({@link io.brazier.store.Store#watermark}): what the criteria
 *     select is decided as of then; null in a job an older version began, which cannot be done as of its kick-off
 */
record BulkDeleteRequest(Mode mode, List<String> types, Map<String, List<String>> criteria, Long sequence) {
  /** Microsoft's flag for a hard delete; Brazier's own DELETE names it without the underscore, taken too. */
  private static final List<String> HARD_DELETE = List.of("_hardDelete", "hardDelete");
  private static final String PURGE_HISTORY = "_purgeHistory";
  private static final String REMOVE_REFERENCES = "_remove-references";
  private static final String EXCLUDED = "excludedResourceTypes";
  private static final String LAST_UPDATED = "_lastUpdated";
  /** Parameters that shape how the answer is written, which a kick-off without a body ignores. */
  private static final Set<String> FORMAT = Set.of("_format", "_pretty");

  enum Mode {
    /** Deletes each, as DELETE does: its history stays. */
    SOFT,
    /** Deletes each and purges its history, as DELETE with {@code hardDelete=true} does. */
    HARD,
    /** Purges the history of each, which stays as it is, as {@code $purge-history} does. */
    PURGE_HISTORY,
    /** Purges the history of each resource already deleted: what a soft delete left, for good. */
    SOFT_DELETED
  }

  /** The request of a kick-off at change {@code sequence}, or a 400 that says what is wrong with it. */
  static BulkDeleteRequest of(FhirRequest request, Fhir fhir, Conditions conditions, long sequence) {
    Map<String, List<String>> query = new LinkedHashMap<>(request.query());
    FORMAT.forEach(query::remove);
    boolean hard = false;
    for (String name : HARD_DELETE) {
      hard |= flag(query, name);
    }
    boolean purge = flag(query, PURGE_HISTORY);
    if (flag(query, REMOVE_REFERENCES)) {
      throw FhirException.notSupported(REMOVE_REFERENCES + " is not supported: references to what a bulk delete"
          + " removes stay as they are.");
    }
    boolean system = request.segments().size() == 1;
    List<String> excluded = typeList(query.remove(EXCLUDED), fhir, EXCLUDED);
    if (!system && !excluded.isEmpty()) {
      throw FhirException.badRequest(EXCLUDED + " applies at system level ([base]/" + request.operation()
          + "), not to one type.");
    }
    List<String> named = system ? typeList(query.remove("_type"), fhir, "_type") : List.of(request.type());
    List<String> types = (named.isEmpty() ? List.copyOf(fhir.resourceTypes()) : named).stream()
        .filter(type -> !excluded.contains(type)).distinct().sorted().toList();
    boolean softDeleted = request.operation().equals("$" + BulkDelete.SOFT_DELETED.name());
    Mode mode = softDeleted ? Mode.SOFT_DELETED : hard ? Mode.HARD : purge ? Mode.PURGE_HISTORY : Mode.SOFT;
    check(mode, types, query, conditions);
    return new BulkDeleteRequest(mode, types, query, sequence);
  }

  /**
   * Whether the soft-deleted resource, deleted at {@code at} (epoch ms), matches the {@code _lastUpdated} criteria
   * of a {@code $bulk-delete-soft-deleted}: a deletion's instant is a point, compared as a search compares it.
   */
  static boolean deletedWithin(List<Criterion> criteria, long at) {
    return criteria.stream().map(Criterion.LastUpdatedMatch.class::cast).allMatch(match -> match.values().stream()
        .anyMatch(value -> at(value.prefix(), value.range().lo(), value.range().hi(), at)));
  }

  private static boolean at(Prefix prefix, long lo, long hi, long at) {
    return switch (prefix) {
      case EQ, PO -> at >= lo && at <= hi;
      case NE -> at < lo || at > hi;
      case GT, SA -> at > hi;
      case LT, EB -> at < lo;
      case GE -> at >= lo;
      case LE -> at <= hi;
      case AP -> throw new IllegalStateException("ap is refused before a job starts");
    };
  }

  /**
   * Criteria that select what a search selects and nothing else: a parameter that shapes a result instead (an
   * include, a sort) would be dropped and the deletion widened; and that can be decided as of the kick-off
   * ({@link AsOfScan}: not chains, {@code _has} or {@code _list}). A soft-deleted resource is found by no search, so
   * its deletion's {@code _lastUpdated} is all Microsoft's server, and this one, select it by.
   */
  private static void check(Mode mode, List<String> types, Map<String, List<String>> criteria, Conditions conditions) {
    for (String name : criteria.keySet()) {
      if (QueryParser.RESULT_PARAMS.contains(name) || name.startsWith("_include") || name.startsWith("_revinclude")) {
        throw FhirException.badRequest("A bulk delete selects by search criteria only; " + name + " is not one.");
      }
      if (mode == Mode.SOFT_DELETED && !name.equals(LAST_UPDATED)) {
        throw FhirException.badRequest("$bulk-delete-soft-deleted selects by " + LAST_UPDATED + " only, not "
            + name + ".");
      }
    }
    for (String type : types) {
      SearchQuery query = conditions.parse(List.of(type), criteria);
      if (mode != Mode.SOFT_DELETED) {
        try {
          new AsOfScan(type, 0, query, null, 1);
        } catch (IllegalArgumentException e) {
          throw FhirException.badRequest("A bulk delete cannot select by these parameters: " + e.getMessage());
        }
      }
      List<Criterion> parsed = query.criteria();
      if (mode == Mode.SOFT_DELETED && parsed.stream().flatMap(c -> ((Criterion.LastUpdatedMatch) c).values()
          .stream()).anyMatch(value -> value.prefix() == Prefix.AP)) {
        throw FhirException.badRequest("$bulk-delete-soft-deleted does not take the prefix ap on " + LAST_UPDATED
            + ".");
      }
    }
  }

  /** Removes a flag from the query: true, false (or absent), or a 400. */
  private static boolean flag(Map<String, List<String>> query, String name) {
    List<String> values = query.remove(name);
    String value = values == null ? "false" : values.get(values.size() - 1);
    if (!value.equals("true") && !value.equals("false")) {
      throw FhirException.badRequest(name + " is true or false, not '" + value + "'.");
    }
    return value.equals("true");
  }

  /** The types of a comma separated list, as {@code _type} and {@code excludedResourceTypes} name them. */
  private static List<String> typeList(List<String> values, Fhir fhir, String name) {
    List<String> types = new ArrayList<>();
    for (String value : values == null ? List.<String>of() : values) {
      for (String type : Arrays.stream(value.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList()) {
        if (!fhir.isResourceType(type)) {
          throw FhirException.badRequest(name + " names '" + type + "', which is not a resource type.");
        }
        types.add(type);
      }
    }
    return types;
  }
}
