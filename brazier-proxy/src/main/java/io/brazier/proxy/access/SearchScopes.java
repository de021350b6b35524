package io.brazier.proxy.access;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.access.Rights.Reach;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a search may ask for: the search right on its type, within a granular scope's constraints when the caller
 * has only those, and the read right on every type its {@code _include} and {@code _revinclude} name.
 */
final class SearchScopes {
  private SearchScopes() {}

  /** Refuses a search of {@code type} ({@code *}: every type) that the rights do not reach. */
  static void check(Rights rights, String type, Map<String, List<String>> params) {
    Reach reach = rights.reach(Permission.SEARCH, type);
    if (reach.none()) {
      throw AccessRules.forbidden("search " + ("*".equals(type) ? "every resource type" : type));
    }
    if (reach.limited() && reach.constraints().stream().noneMatch(constraint -> within(params, constraint))) {
      throw FhirException.forbidden("The search of " + type + " reaches beyond the caller's scopes, which grant only"
          + " searches with " + describe(reach.constraints()) + ".");
    }
  }

  /**
   * Whether a search stays inside a granular scope: for each of the scope's parameters the search has that
   * parameter, unmodified, with only values the scope lists (a search's repeated parameters all apply).
   */
  static boolean within(Map<String, List<String>> params, Map<String, String> constraint) {
    for (Map.Entry<String, String> limit : constraint.entrySet()) {
      Set<String> allowed = Set.copyOf(Arrays.asList(limit.getValue().split(",")));
      List<String> asked = params.getOrDefault(limit.getKey(), List.of());
      boolean inside = asked.stream().anyMatch(value -> allowed.containsAll(Arrays.asList(value.split(","))));
      if (!inside) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses includes of a type the caller may not read ({@code *} is left to the filter of the answer), and chains
   * and reverse chains ({@code _has}) through a type it may not search whole: they match by that type's data.
   */
  static void checkIncludes(Rights rights, Map<String, List<String>> params) {
    for (String type : includedTypes(params)) {
      if (rights.reach(Permission.READ, type).none()) {
        throw AccessRules.forbidden("read " + type + ", which the search includes");
      }
    }
    for (String name : params.keySet()) {
      checkChains(rights, name);
    }
    for (String value : params.getOrDefault("_not-referenced", List.of())) {
      checkNotReferenced(rights, value);
    }
  }

  /**
   * {@code _not-referenced=Encounter:subject} matches by whether Encounters refer to a resource, so it needs the
   * whole search right on Encounter, as {@code _has} does; {@code *:*} looks at every type.
   */
  private static void checkNotReferenced(Rights rights, String value) {
    String type = value.split(":", 2)[0];
    if (!rights.reach(Permission.SEARCH, type).all()) {
      throw AccessRules.forbidden("search " + ("*".equals(type) ? "every resource type" : type)
          + ", whose references _not-referenced=" + value + " looks at");
    }
  }

  /**
   * In front of another server (the standalone proxy), which sends its pages on without the included entries
   * checked: refuses includes of a type the caller does not read whole, and includes that name no type
   * ({@code Observation:subject}, {@code *}), which may bring any, unless it reads every type.
   */
  static void checkIncludesUnseen(Rights rights, Map<String, List<String>> params) {
    if (includesAnyType(params) && !rights.allows(Permission.READ, "*")) {
      throw FhirException.forbidden("The search includes resources of types it does not name, which this proxy"
          + " cannot check against the caller's scopes on another server's answer: name the type"
          + " (_include=Observation:subject:Patient) of each include.");
    }
    for (String type : includedTypes(params)) {
      if (!rights.allows(Permission.READ, type)) {
        throw FhirException.forbidden("The caller's scopes grant read on " + type + " only in part or not at all,"
            + " so this proxy cannot pass on another server's answer that includes " + type + ".");
      }
    }
  }

  /** {@code _has:Observation:subject:code} searches Observation; {@code subject:Patient.name} searches Patient. */
  private static void checkChains(Rights rights, String name) {
    String[] parts = name.split(":");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equals("_has") && !rights.reach(Permission.SEARCH, parts[i + 1]).all()) {
        throw AccessRules.forbidden("search " + parts[i + 1] + ", through which the search chains (" + name + ")");
      }
    }
    String[] links = name.startsWith("_has:") ? new String[0] : name.split("\\.");
    for (int i = 0; i + 1 < links.length; i++) {
      int colon = links[i].indexOf(':');
      String type = colon < 0 ? "*" : links[i].substring(colon + 1);
      if (rights.reach(Permission.SEARCH, type).all()) {
        continue;
      }
      throw colon < 0 ? FhirException.forbidden("The caller may not search every type, so a chain names the type it"
          + " goes through: " + links[i] + ":[type]." + links[i + 1] + ", not " + name + ".")
          : AccessRules.forbidden("search " + type + ", through which the search chains (" + name + ")");
    }
  }

  /**
   * The types a search's includes name: the target of {@code _include=Source:param:Target} and the source of
   * {@code _revinclude=Source:param}, with or without {@code :iterate}.
   */
  static Set<String> includedTypes(Map<String, List<String>> params) {
    Set<String> types = new HashSet<>();
    params.forEach((name, values) -> {
      boolean include = name.equals("_include") || name.startsWith("_include:");
      boolean revinclude = name.equals("_revinclude") || name.startsWith("_revinclude:");
      for (String value : include || revinclude ? values : List.<String>of()) {
        String[] parts = value.split(":");
        String type = revinclude ? parts[0] : parts.length > 2 ? parts[2] : null;
        if (type != null && !type.equals("*") && !type.isEmpty()) {
          types.add(type);
        }
      }
    });
    return types;
  }

  /** Whether an include names no type: {@code *}, {@code Observation:*}, or an include without its target. */
  private static boolean includesAnyType(Map<String, List<String>> params) {
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      String name = param.getKey();
      boolean include = name.equals("_include") || name.startsWith("_include:");
      boolean revinclude = name.equals("_revinclude") || name.startsWith("_revinclude:");
      for (String value : include || revinclude ? param.getValue() : List.<String>of()) {
        String[] parts = value.split(":");
        if (value.contains("*") || (include && parts.length < 3)) {
          return true;
        }
      }
    }
    return false;
  }

  static String describe(List<Map<String, String>> constraints) {
    return String.join(" or ", constraints.stream().map(SearchScopes::query).toList());
  }

  private static String query(Map<String, String> constraint) {
    return String.join("&", constraint.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
