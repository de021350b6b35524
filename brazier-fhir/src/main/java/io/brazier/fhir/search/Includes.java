package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchQuery.Include;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code _include} and {@code _revinclude}: {@code Source:param[:Target]}, or {@code *} for every reference
 * of the searched types, with the {@code :iterate} modifier (or R3's {@code :recurse}).
 * https://hl7.org/fhir/R4/search.html#include
 */
final class Includes {
  private final Fhir fhir;
  private final SearchParameters params;

  Includes(Fhir fhir, SearchParameters params) {
    this.fhir = fhir;
    this.params = params;
  }

  static boolean isInclude(String name) {
    String base = name.split(":", 2)[0];
    return base.equals("_include") || base.equals("_revinclude");
  }

  List<Include> parse(List<String> types, Map<String, List<String>> query, boolean reverse) {
    String name = reverse ? "_revinclude" : "_include";
    List<Include> includes = new ArrayList<>();
    for (Map.Entry<String, List<String>> param : query.entrySet()) {
      String[] key = param.getKey().split(":", 2);
      if (!key[0].equals(name)) {
        continue;
      }
      boolean iterate = key.length == 2 && (key[1].equals("iterate") || key[1].equals("recurse"));
      if (key.length == 2 && !iterate) {
        throw FhirException.badRequest("Modifier :" + key[1] + " is not supported on " + name + "; use :iterate.");
      }
      for (String value : param.getValue()) {
        includes.add(include(types, name, value, iterate));
      }
    }
    return includes;
  }

  private Include include(List<String> types, String name, String value, boolean iterate) {
    if (value.equals("*")) {
      return new Include("*", "*", null, iterate);
    }
    String[] parts = value.split(":");
    if (parts.length < 2 || parts.length > 3 || !fhir.isResourceType(parts[0])) {
      throw FhirException.badRequest(name + " '" + value + "' is not Type:parameter or Type:parameter:TargetType.");
    }
    String target = parts.length == 3 ? parts[2] : null;
    if (target != null && !fhir.isResourceType(target)) {
      throw FhirException.badRequest(name + " target '" + target + "' is not a resource type.");
    }
    if (name.equals("_include") && !iterate && !types.isEmpty() && !types.contains(parts[0])) {
      throw FhirException.badRequest(name + " '" + value + "' does not start from a searched type ("
          + String.join(", ", types) + "); use _include:iterate to include from included resources.");
    }
    if (!parts[1].equals("*")) {
      SearchParam param = params.get(parts[0], parts[1]).orElseThrow(() -> FhirException.badRequest(
          name + " '" + value + "': " + parts[0] + " has no search parameter '" + parts[1] + "'."));
      if (param.type() != ParamType.REFERENCE) {
        throw FhirException.badRequest(name + " '" + value + "': " + parts[1] + " is not a reference parameter.");
      }
    }
    return new Include(parts[0], parts[1], target, iterate);
  }
}
