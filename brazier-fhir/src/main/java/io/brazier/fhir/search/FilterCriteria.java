package io.brazier.fhir.search;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.AllOf;
import io.brazier.fhir.search.Criterion.AnyOf;
import io.brazier.fhir.search.Criterion.Chain;
import io.brazier.fhir.search.Criterion.DateMatch;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.LastUpdatedMatch;
import io.brazier.fhir.search.Criterion.Not;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.StringMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a {@code _filter} onto the criteria ordinary parameters parse to, so that the store plans it as it plans
 * them: each test becomes the criterion of the equivalent parameter (birthdate ge 2014 is birthdate=ge2014, code ne x
 * is code:not=x), and/or/not become {@link AllOf}, {@link AnyOf} and {@link Not}. An unknown parameter or an operator
 * the parameter's type cannot take is a 400 naming the place in the filter, strict or lenient.
 * https://hl7.org/fhir/R4/search_filter.html
 */
final class FilterCriteria {
  private static final List<String> PRESENT = List.of("pr");
  private static final List<String> COMPARISONS = List.of("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");
  /** The operators each parameter type takes; each one's meaning is in {@link #leaf}. */
  private static final Map<ParamType, List<String>> OPERATORS = Map.of(
      ParamType.NUMBER, plus(COMPARISONS, PRESENT),
      ParamType.QUANTITY, plus(COMPARISONS, PRESENT),
      ParamType.DATE, plus(COMPARISONS, List.of("po", "pr")),
      ParamType.STRING, List.of("eq", "ne", "co", "sw", "ew", "pr"),
      ParamType.TOKEN, List.of("eq", "ne", "in", "ni", "ss", "sb", "pr"),
      ParamType.REFERENCE, List.of("eq", "re", "ne", "pr"),
      ParamType.URI, List.of("eq", "ne", "sw", "ss", "sb", "pr"),
      ParamType.COMPOSITE, List.of("eq", "pr"),
      ParamType.SPECIAL, List.of("eq"));

  private final QueryParser parser;
  private final QueryParser.Options options;
  private final String text;

  /** {@code text}: the value of the {@code _filter} parameter. */
  FilterCriteria(QueryParser parser, QueryParser.Options options, String text) {
    this.parser = parser;
    this.options = options;
    this.text = text;
  }

  /** The criterion of the filter over {@code types}. */
  Criterion criterion(List<String> types, int depth) {
    return compile(types, FilterParser.parse(text), depth);
  }

  /** The start of an error message that points at character {@code at} (0-based) of a filter. */
  static String where(String text, int at) {
    String rest = text.substring(Math.min(at, text.length()));
    String near = rest.isEmpty() ? "the end" : "'" + (rest.length() > 30 ? rest.substring(0, 30) + "..." : rest) + "'";
    return "_filter, at character " + (at + 1) + " (" + near + "): ";
  }

  private Criterion compile(List<String> types, Filter filter, int depth) {
    if (filter instanceof Filter.And and) {
      return new AllOf(all(types, and.terms(), depth));
    } else if (filter instanceof Filter.Or or) {
      return new AnyOf(all(types, or.terms(), depth));
    } else if (filter instanceof Filter.Not not) {
      return new Not(compile(types, not.inner(), depth));
    }
    Filter.Test test = (Filter.Test) filter;
    return path(types, test.path(), test, depth);
  }

  private List<Criterion> all(List<String> types, List<Filter> terms, int depth) {
    List<Criterion> criteria = new ArrayList<>();
    terms.forEach(term -> criteria.add(compile(types, term, depth)));
    return criteria;
  }

  /** A chain {@code ref[filter].rest}: the filter and the rest must both hold for the referenced resource. */
  private Criterion path(List<String> types, Filter.Path path, Filter.Test test, int depth) {
    if (path.next() == null) {
      return located(path.at(), () -> leaf(types, path.name(), test, depth));
    }
    if (depth > QueryParser.MAX_CHAIN_DEPTH) {
      throw FhirException.badRequest(where(text, path.at()) + "chains may nest at most "
          + QueryParser.MAX_CHAIN_DEPTH + " levels.");
    }
    List<String> targets = located(path.at(), () -> parser.chainTargets(types, path.name(), null,
        path.next().name(), path.name() + "." + path.next().name()));
    Criterion inner = path(targets, path.next(), test, depth + 1);
    if (path.filter() != null) {
      inner = new AllOf(List.of(compile(targets, path.filter(), depth + 1), inner));
    }
    return new Chain(path.name(), targets, inner);
  }

  private interface Step<T> {
    T run();
  }

  /** Runs {@code step}, saying where in the filter it failed. */
  private <T> T located(int at, Step<T> step) {
    try {
      return step.run();
    } catch (QueryParser.Unknown e) {
      throw FhirException.badRequest(where(text, at) + e.getMessage());
    } catch (FhirException e) {
      throw e.status() == 400 && !e.getMessage().startsWith("_filter") ? FhirException.badRequest(where(text, at)
          + e.getMessage()) : e;
    }
  }

  /** One test: the criterion of the parameter that means the same, or a 400 when the operator does not apply. */
  private Criterion leaf(List<String> types, String name, Filter.Test test, int depth) {
    String op = test.operator();
    String value = escaped(test.value());
    switch (name) {
      case "_id" -> {
        return ordinary(types, "_id", List.of("eq", "ne"), op, op.equals("ne") ? "_id:not" : "_id", value, depth);
      }
      case "_lastUpdated" -> {
        if (op.equals("po")) {
          return new LastUpdatedMatch(List.of(overlaps(name, test.value())));
        }
        return ordinary(types, name, COMPARISONS, op, name, op + value, depth);
      }
      case "_text", "_content" -> {
        return ordinary(types, name, List.of("eq", "co"), op, name, value, depth);
      }
      case "_list" -> {
        return ordinary(types, name, List.of("eq"), op, name, value, depth);
      }
      default -> {
        return parameter(types, name, op, test.value(), depth);
      }
    }
  }

  private Criterion parameter(List<String> types, String code, String op, String raw, int depth) {
    if (code.startsWith("_has") || code.equals("_filter") || code.equals("_query") || code.equals("_type")) {
      throw FhirException.badRequest(code + " cannot be used inside _filter.");
    }
    ParamType type = parser.definition(types, code).type();
    List<String> operators = OPERATORS.get(type);
    String value = escaped(raw);
    if (op.equals("pr")) {
      check(type.code() + " parameter " + code, operators, op);
      if (!raw.equals("true") && !raw.equals("false")) {
        throw FhirException.badRequest("pr takes true or false, not '" + raw + "'.");
      }
      return parser.criterion(types, code + ":missing", raw.equals("true") ? "false" : "true", options, depth);
    }
    return switch (type) {
      case NUMBER, QUANTITY ->
          ordinary(types, type.code() + " parameter " + code, operators, op, code, op + value, depth);
      case DATE -> op.equals("po") ? new DateMatch(code, List.of(overlaps(code, raw)))
          : ordinary(types, "date parameter " + code, operators, op, code, op + value, depth);
      case STRING -> string(code, operators, op, raw);
      case TOKEN -> ordinary(types, "token parameter " + code, operators, op, code + switch (op) {
        case "ne" -> ":not";
        case "in" -> ":in";
        case "ni" -> ":not-in";
        case "ss" -> ":above";
        case "sb" -> ":below";
        default -> "";
      }, value, depth);
      case REFERENCE, COMPOSITE, SPECIAL -> negatedIf(op.equals("ne"),
          ordinary(types, type.code() + " parameter " + code, operators, op, code, value, depth));
      case URI -> negatedIf(op.equals("ne"), ordinary(types, "uri parameter " + code, operators, op,
          code + (op.equals("sw") || op.equals("sb") ? ":below" : op.equals("ss") ? ":above" : ""), value, depth));
    };
  }

  /** The criterion of {@code name=value} as an ordinary parameter, once {@code op} is known to apply. */
  private Criterion ordinary(List<String> types, String what, List<String> operators, String op, String name,
      String value, int depth) {
    check(what, operators, op);
    return parser.criterion(types, name, value, options, depth);
  }

  private static Criterion negatedIf(boolean negated, Criterion criterion) {
    return negated ? new Not(criterion) : criterion;
  }

  private static Criterion string(String code, List<String> operators, String op, String raw) {
    check("string parameter " + code, operators, op);
    String value = ValueParser.unescape(ValueParser.alternatives(code, escaped(raw)).get(0));
    return switch (op) {
      case "ne" -> new Not(new StringMatch(code, StringMode.EQUALS, List.of(value)));
      case "co" -> new StringMatch(code, StringMode.CONTAINS, List.of(value));
      case "sw" -> new StringMatch(code, StringMode.STARTS_WITH, List.of(value));
      case "ew" -> new StringMatch(code, StringMode.ENDS_WITH, List.of(value));
      default -> new StringMatch(code, StringMode.EQUALS, List.of(value));
    };
  }

  private static DateValue overlaps(String name, String raw) {
    DateValue date = ValueParser.date(name, raw);
    if (date.prefix() != Prefix.EQ || !Character.isDigit(raw.charAt(0))) {
      throw FhirException.badRequest("po takes a date without a prefix, not '" + raw + "'.");
    }
    return new DateValue(Prefix.PO, date.range());
  }

  private static void check(String what, List<String> operators, String op) {
    if (!operators.contains(op)) {
      throw FhirException.badRequest("the operator " + op + " does not apply to " + what + "; it takes "
          + String.join(", ", operators) + ".");
    }
  }

  /** The filter's value in the escaped form of ordinary search values, where ',' separates alternatives. */
  private static String escaped(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,");
  }

  private static List<String> plus(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }
}
