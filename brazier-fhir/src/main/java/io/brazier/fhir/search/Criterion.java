package io.brazier.fhir.search;

import java.math.BigDecimal;
import java.util.List;

/**
 * One condition of a search, as parsed from the query: the values of one parameter occurrence are alternatives
 * (OR), and the criteria of a search must all hold (AND). {@code param} names the parameter whose index entries are
 * compared (see {@link SearchIndex} for the derived ones such as {@code code:text}).
 */
public sealed interface Criterion {

  /** A token: {@code code}, {@code system|code}, {@code |code} (no system) or {@code system|} (any code). */
  record TokenValue(String system, String code, boolean systemGiven) {}

  record TokenMatch(String param, List<TokenValue> values, boolean negated) implements Criterion {}

  /** {@code EQUALS} and {@code ENDS_WITH} ({@code _filter}'s eq and ew) compare folded values, as STARTS_WITH does. */
  enum StringMode { STARTS_WITH, EXACT, CONTAINS, EQUALS, ENDS_WITH }

  /** {@code values} are as the client wrote them; they are folded where the mode asks for it. */
  record StringMatch(String param, StringMode mode, List<String> values) implements Criterion {}

  record DateValue(Prefix prefix, DateRange range) {}

  record DateMatch(String param, List<DateValue> values) implements Criterion {}

  /** {@code [lo, hi)} is the range the value's precision stands for: 100 is [99.5, 100.5). */
  record NumberValue(Prefix prefix, BigDecimal value, BigDecimal lo, BigDecimal hi) {}

  record NumberMatch(String param, List<NumberValue> values) implements Criterion {}

  /**
   * A quantity; when {@code canonical}, number and unit are UCUM canonical and compare with the canonical forms of
   * stored quantities, otherwise {@code system} and {@code code} (either may be null: any) compare as written.
   */
  record QuantityValue(NumberValue number, String system, String code, boolean canonical) {}

  record QuantityMatch(String param, List<QuantityValue> values) implements Criterion {}

  /** A local target ({@code type} null: any type) or an absolute/canonical {@code url} (version null: any). */
  record ReferenceValue(String type, String id, String url, String version) {}

  record ReferenceMatch(String param, List<ReferenceValue> values) implements Criterion {}

  enum UriMode { EQUALS, ABOVE, BELOW }

  record UriMatch(String param, UriMode mode, List<String> values) implements Criterion {}

  /**
   * A composite: the token of the first component and a value of the second, held by the same item; {@code third}
   * is the value of a third component (a number, as in MolecularSequence's coordinates), null for two components.
   */
  record CompositeValue(TokenValue first, Object second, Object third) {
    public CompositeValue(TokenValue first, Object second) {
      this(first, second, null);
    }
  }

  record CompositeMatch(String param, ParamType secondType, List<CompositeValue> values) implements Criterion {}

  /** {@code near}: within {@code meters} of a place (WGS84 degrees). */
  record Near(String param, double latitude, double longitude, double meters) implements Criterion {}

  /** {@code :missing}: whether the resource has no value for the parameter (true) or at least one (false). */
  record Missing(String param, ParamType type, boolean missing) implements Criterion {}

  /** Full text ({@code _text}, {@code _content}): each alternative is a list of words that must all occur. */
  record TextMatch(String param, List<List<String>> values) implements Criterion {}

  record IdMatch(List<String> ids, boolean negated) implements Criterion {}

  record LastUpdatedMatch(List<DateValue> values) implements Criterion {}

  /** A chained parameter: a reference of {@code param} to a resource of one of {@code targetTypes} matching inner. */
  record Chain(String param, List<String> targetTypes, Criterion inner) implements Criterion {}

  /**
   * Reverse chaining ({@code _has}): some {@code sourceType} refers here through {@code param} and matches inner.
   * {@code _not-referenced} negates one whose parts may be null: a source of any type, through any reference
   * parameter, matching nothing in particular.
   */
  record Has(String sourceType, String param, Criterion inner) implements Criterion {}

  /** {@code _list}: the resource is an item of one of these List resources. */
  record InList(List<String> listIds) implements Criterion {}

  /**
   * The resource is in the compartment of {@code compartmentType}/{@code id}: it refers to it through one of the
   * parameters named for its type in {@code paramsByType} (or it is that resource, when {@code includeOwner}).
   * No ids means the compartment of every resource of the type.
   */
  record InCompartment(String compartmentType, List<String> ids, java.util.Map<String, List<String>> paramsByType,
      boolean includeOwner) implements Criterion {}

  /**
   * The resource is of one of these types: where a search over several types treats some of them apart (patient
   * isolation confines only the types that have members in a compartment).
   */
  record OfType(List<String> types) implements Criterion {}

  /** Alternatives of whole criteria (used where one query parameter expands to several, such as untyped chains). */
  record AnyOf(List<Criterion> alternatives) implements Criterion {}

  /** Criteria that must all hold, inside an alternative or a negation ({@code _filter}'s and). */
  record AllOf(List<Criterion> criteria) implements Criterion {}

  /** The resource does not match {@code inner} ({@code _filter}'s not). */
  record Not(Criterion inner) implements Criterion {}
}
