package io.brazier.fhir.search;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchQuery.SortKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Parses {@code _sort}: fields separated by commas, each a parameter of the searched types (or {@code _id},
 * {@code _lastUpdated}), descending when it starts with {@code -}. An unknown field is left out when lenient.
 * https://hl7.org/fhir/R4/search.html#sort
 */
final class Sorts {
  private final Function<String, SearchParam> definitions;
  private final boolean strict;

  /** @param definitions the searched types' parameter of a code, or null when they lack it */
  Sorts(Function<String, SearchParam> definitions, boolean strict) {
    this.definitions = definitions;
    this.strict = strict;
  }

  List<SortKey> parse(List<String> values, List<SearchQuery.Ignored> ignored) {
    List<SortKey> keys = new ArrayList<>();
    if (values == null) {
      return keys;
    }
    for (String value : values) {
      for (String field : value.split(",")) {
        String trimmed = field.trim();
        boolean descending = trimmed.startsWith("-");
        String code = descending ? trimmed.substring(1) : trimmed;
        if (code.isEmpty()) {
          throw FhirException.badRequest("_sort '" + value + "' has an empty field.");
        }
        if (code.equals("_id") || code.equals("_lastUpdated")) {
          keys.add(new SortKey(code, code.equals("_id") ? ParamType.TOKEN : ParamType.DATE, descending));
          continue;
        }
        SearchParam param = definitions.apply(code);
        if (param == null) {
          String reason = "_sort: search parameter '" + code + "' is not known for the searched types.";
          if (strict) {
            throw FhirException.badRequest(reason);
          }
          ignored.add(new SearchQuery.Ignored("_sort:" + code, reason));
        } else if (param.type() == ParamType.COMPOSITE || param.type() == ParamType.SPECIAL) {
          throw FhirException.badRequest("_sort cannot order by " + param.type().code() + " parameter " + code + ".");
        } else {
          keys.add(new SortKey(code, param.type(), descending));
        }
      }
    }
    return keys;
  }
}
