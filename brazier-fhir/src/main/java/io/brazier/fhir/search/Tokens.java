package io.brazier.fhir.search;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.StringMode;
import io.brazier.fhir.search.Criterion.TokenMatch;
import io.brazier.fhir.search.Criterion.TokenValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The token modifiers: {@code :not}, {@code :text} (a string search on displays and texts), {@code :of-type}
 * (identifier type and value), and those that need terminology ({@code :in}, {@code :not-in}, {@code :above},
 * {@code :below}), which become plain token matches on the codes they stand for.
 */
final class Tokens {
  private final Terminology terminology;

  Tokens(Terminology terminology) {
    this.terminology = terminology;
  }

  Criterion criterion(String code, String modifier, List<String> alternatives) {
    String name = modifier == null ? code : code + ":" + modifier;
    if (modifier == null || modifier.equals("not")) {
      return new TokenMatch(code, alternatives.stream().map(v -> ValueParser.token(name, v)).toList(),
          modifier != null);
    }
    return switch (modifier) {
      case "text" -> new StringMatch(SearchIndex.textOf(code), StringMode.STARTS_WITH,
          alternatives.stream().map(ValueParser::unescape).toList());
      case "of-type" -> new TokenMatch(SearchIndex.ofTypeOf(code), alternatives.stream().map(v -> ofType(name, v))
          .toList(), false);
      case "in", "not-in" -> {
        List<TokenValue> codes = new ArrayList<>();
        alternatives.forEach(valueSet -> codes.addAll(terminology.expand(ValueParser.unescape(valueSet))));
        yield new TokenMatch(code, codes, modifier.equals("not-in"));
      }
      case "above", "below" -> {
        List<TokenValue> codes = new ArrayList<>();
        for (String alternative : alternatives) {
          TokenValue token = ValueParser.token(name, alternative);
          if (token.system() == null || token.code() == null) {
            throw FhirException.badRequest(name + " needs system|code, not '" + alternative + "'.");
          }
          codes.addAll(modifier.equals("above") ? terminology.above(token.system(), token.code())
              : terminology.below(token.system(), token.code()));
        }
        yield new TokenMatch(code, codes, false);
      }
      default -> throw FhirException.badRequest("Modifier :" + modifier + " is not supported on token " + code + ".");
    };
  }

  /** {@code system|code|value}: the identifier's type coding and its value. */
  private static TokenValue ofType(String name, String value) {
    List<String> parts = ValueParser.split(value, '|');
    if (parts.size() != 3 || parts.stream().anyMatch(String::isEmpty)) {
      throw FhirException.badRequest("'" + ValueParser.unescape(value) + "' is not a value of " + name
          + ": use type-system|type-code|value.");
    }
    String type = ValueParser.unescape(parts.get(0)) + "|" + ValueParser.unescape(parts.get(1));
    return new TokenValue(SearchStrings.bounded(type), SearchStrings.bounded(ValueParser.unescape(parts.get(2))), true);
  }
}
