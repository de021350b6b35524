package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the resources a conditional interaction names by search criteria ({@code If-None-Exist}, {@code PUT
 * Type?query}, {@code DELETE Type?query}). It understands {@code _id} and {@code identifier}; every criterion must
 * match (AND), and a comma inside one criterion means any of its values (OR).
 */
public final class Conditions {
  /** The search parameters conditional interactions understand, as metadata lists them. */
  public static final List<String> PARAMETERS = List.of("_id", "identifier");
  private static final Set<String> IGNORED = Set.of("_format", "_pretty");

  private final Store store;

  public Conditions(Store store) {
    this.store = store;
  }

  /** The ids of the resources of {@code type} that match all criteria, at most {@code limit + 1} of them. */
  public List<String> matches(String type, Map<String, List<String>> criteria, int limit) {
    Set<String> result = null;
    for (Map.Entry<String, List<String>> criterion : criteria.entrySet()) {
      if (IGNORED.contains(criterion.getKey())) {
        continue;
      }
      for (String value : criterion.getValue()) {
        Set<String> ids = matchesOne(type, criterion.getKey(), value, limit);
        if (result == null) {
          result = ids;
        } else {
          result.retainAll(ids);
        }
      }
    }
    if (result == null) {
      throw FhirException.badRequest("A conditional " + type + " request needs search criteria, such as identifier.");
    }
    return new ArrayList<>(result);
  }

  /**
   * Parses criteria such as {@code identifier=http://x|1&_id=a}, bare or, as clients also send them, after the type
   * or the type's whole URL ({@code Patient?identifier=...}, the HAPI client's {@code If-None-Exist}).
   */
  public List<String> matches(String type, String criteria, int limit) {
    int question = criteria.indexOf('?');
    if (question >= 0) {
      String path = criteria.substring(0, question);
      if (!path.isEmpty() && !path.equals(type) && !path.endsWith("/" + type)) {
        throw FhirException.badRequest("The criteria '" + criteria + "' name another type than " + type + ".");
      }
    }
    return matches(type, Queries.parse(criteria.substring(question + 1)), limit);
  }

  private Set<String> matchesOne(String type, String name, String value, int limit) {
    Set<String> ids = new LinkedHashSet<>();
    for (String alternative : value.split(",")) {
      switch (name) {
        case "_id" -> store.current(type, alternative)
            .filter(version -> !version.deleted())
            .ifPresent(version -> ids.add(version.id()));
        case "identifier" -> ids.addAll(byIdentifier(type, alternative, limit));
        default -> throw FhirException.notSupported("Search parameter '" + name
            + "' is not supported in conditional requests yet: use " + String.join(" or ", PARAMETERS) + ".");
      }
    }
    return ids;
  }

  private List<String> byIdentifier(String type, String token, int limit) {
    int bar = token.indexOf('|');
    String system = bar < 0 ? null : token.substring(0, bar);
    String code = bar < 0 ? token : token.substring(bar + 1);
    if (code.isEmpty()) {
      throw FhirException.badRequest("identifier '" + token + "' has no value: use system|value or value.");
    }
    return store.idsByToken(type, "identifier", system, code, limit + 1);
  }
}
