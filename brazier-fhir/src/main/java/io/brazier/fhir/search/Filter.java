package io.brazier.fhir.search;

import java.util.List;

/**
 * A parsed {@code _filter} expression: tests of a parameter path against a value, combined with {@code and},
 * {@code or} and {@code not}. Every node knows where it starts in the text (0-based), so that errors can say where.
 * https://hl7.org/fhir/R4/search_filter.html
 */
sealed interface Filter {
  /** The operators of the filter grammar; which apply depends on the parameter's type. */
  List<String> OPERATORS = List.of("eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le", "sa", "eb", "ap", "pr", "po",
      "ss", "sb", "in", "ni", "re");

  int at();

  record And(List<Filter> terms, int at) implements Filter {}

  record Or(List<Filter> terms, int at) implements Filter {}

  record Not(Filter inner, int at) implements Filter {}

  /** {@code path operator value}: {@code value} is unquoted and unescaped. */
  record Test(Path path, String operator, String value, int at) implements Filter {}

  /**
   * A parameter name, optionally narrowed by a filter on the resources it refers to ({@code subject[name co "x"]})
   * and followed by the rest of a chain ({@code subject.name}).
   */
  record Path(String name, Filter filter, Path next, int at) {}
}
