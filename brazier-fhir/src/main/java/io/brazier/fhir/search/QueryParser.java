package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.AllOf;
import io.brazier.fhir.search.Criterion.Chain;
import io.brazier.fhir.search.Criterion.CompositeMatch;
import io.brazier.fhir.search.Criterion.CompositeValue;
import io.brazier.fhir.search.Criterion.DateMatch;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.Has;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.Criterion.InList;
import io.brazier.fhir.search.Criterion.LastUpdatedMatch;
import io.brazier.fhir.search.Criterion.Missing;
import io.brazier.fhir.search.Criterion.NumberMatch;
import io.brazier.fhir.search.Criterion.QuantityMatch;
import io.brazier.fhir.search.Criterion.ReferenceMatch;
import io.brazier.fhir.search.Criterion.ReferenceValue;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.StringMode;
import io.brazier.fhir.search.Criterion.TextMatch;
import io.brazier.fhir.search.Criterion.TokenMatch;
import io.brazier.fhir.search.Criterion.TokenValue;
import io.brazier.fhir.search.Criterion.UriMatch;
import io.brazier.fhir.search.Criterion.UriMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the criteria of a search query: parameter names with modifiers, chains and {@code _has}, and their values.
 * A parameter the searched types do not have is an error when {@code strict}; otherwise it is left out and named in
 * {@link SearchQuery#ignored()}. A bad value or an unsupported modifier is always an error (400).
 * https://hl7.org/fhir/R4/search.html
 */
public final class QueryParser {
  /**
   * The longest value a parameter may have, its alternatives joined by commas: a longer one cannot match an index
   * entry and only costs, so it is a 400.
   */
  public static final int MAX_VALUE_LENGTH = 2048;
  /** Parameters that shape the result rather than select resources; the request handles them. */
  public static final Set<String> RESULT_PARAMS = Set.of("_count", "_sort", "_include", "_revinclude", "_summary",
      "_elements", "_total", "_format", "_pretty", "_cursor", "_contained", "_containedType", "_includesCount");
  /** How deep chains and _has may nest: deeper ones are a 400 (no real search needs more). */
  static final int MAX_CHAIN_DEPTH = 8;
  /**
   * How many criteria one search may join: each is a subquery, so the database's planning time grows steeply with
   * them (100: seconds; thousands: it gives up with an error) while no real search needs more than a handful.
   */
  static final int MAX_CRITERIA = 32;

  private final Fhir fhir;
  private final SearchParameters params;
  private final ValueParser values;

  QueryParser(Fhir fhir, SearchParameters params, Units units) {
    this.fhir = fhir;
    this.params = params;
    this.values = new ValueParser(units, fhir::isResourceType);
  }

  /** How to read a query: strict or lenient, this server's base URL (cut from references) and the terminology. */
  public record Options(boolean strict, String baseUrl, Terminology terminology) {}

  /** A parameter this parser could not use, and why. */
  static final class Unknown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unknown(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses the criteria, sort and includes of a query over {@code types} (empty: every type). */
  public SearchQuery parse(List<String> types, Map<String, List<String>> query, Options options) {
    List<String> scope = types.isEmpty() && query.containsKey("_type") ? resourceTypes(query.get("_type")) : types;
    List<Criterion> criteria = new ArrayList<>();
    List<SearchQuery.Ignored> ignored = new ArrayList<>();
    for (Map.Entry<String, List<String>> param : query.entrySet()) {
      String name = param.getKey();
      if (RESULT_PARAMS.contains(name) || Includes.isInclude(name) || name.equals("_type") && types.isEmpty()) {
        continue;
      }
      for (String value : param.getValue()) {
        try {
          Criterion criterion = criterion(scope, name, value, options, 0);
          // A filter's top-level terms stand as criteria of their own, so that the planner may drive by any.
          criteria.addAll(criterion instanceof AllOf all ? all.criteria() : List.of(criterion));
          if (criteria.size() > MAX_CRITERIA) {
            throw FhirException.badRequest("A search may combine at most " + MAX_CRITERIA + " criteria; this one has"
                + " more. Join values of one parameter with commas (name=a,b) or narrow the search.");
          }
        } catch (Unknown e) {
          if (options.strict()) {
            throw FhirException.badRequest(e.getMessage());
          }
          ignored.add(new SearchQuery.Ignored(name, e.getMessage()));
        }
      }
    }
    Includes includes = new Includes(fhir, params);
    Sorts sorts = new Sorts(code -> find(scope, code), options.strict());
    return ContainedSearch.apply(new SearchQuery(scope, criteria, sorts.parse(query.get("_sort"), ignored),
        includes.parse(scope, query, false), includes.parse(scope, query, true), ignored), query);
  }

  private List<String> resourceTypes(List<String> values) {
    List<String> types = new ArrayList<>();
    for (String value : values) {
      for (String type : value.split(",")) {
        if (!fhir.isResourceType(type.trim())) {
          throw FhirException.badRequest("_type '" + type + "' is not a resource type.");
        }
        types.add(type.trim());
      }
    }
    return types;
  }

  Criterion criterion(List<String> types, String name, String value, Options options, int depth) {
    if (depth > MAX_CHAIN_DEPTH) {
      throw FhirException.badRequest("Chains and _has may nest at most " + MAX_CHAIN_DEPTH + " levels: " + name);
    }
    if (name.startsWith("_has:")) {
      return has(types, name, value, options, depth);
    }
    int dot = name.indexOf('.');
    if (dot > 0) {
      return chain(types, name.substring(0, dot), name.substring(dot + 1), value, options, depth);
    }
    int colon = name.indexOf(':');
    String code = colon < 0 ? name : name.substring(0, colon);
    String modifier = colon < 0 ? null : name.substring(colon + 1);
    switch (code) {
      case "_id" -> {
        checkModifier(code, modifier, SearchParameters.OWN_MODIFIERS.get(code));
        return id(name, modifier, value);
      }
      case "_lastUpdated" -> {
        checkModifier(code, modifier, SearchParameters.OWN_MODIFIERS.get(code));
        if ("missing".equals(modifier)) {
          return neverMissing(name, value);
        }
        List<DateValue> dates = new ArrayList<>();
        ValueParser.alternatives(name, value).forEach(v -> dates.add(ValueParser.date(name, v)));
        return new LastUpdatedMatch(dates);
      }
      case "_list" -> {
        // Not indexed values whose absence a search could find: no modifier, :missing included.
        checkModifier(code, modifier, List.of());
        return new InList(ValueParser.alternatives(name, value).stream().map(ValueParser::unescape)
            .map(id -> listId(name, id)).toList());
      }
      case "_text", "_content" -> {
        checkModifier(code, modifier, SearchParameters.OWN_MODIFIERS.get(code));
        List<List<String>> alternatives = new ArrayList<>();
        for (String alternative : ValueParser.alternatives(name, value)) {
          List<String> words = Words.of(ValueParser.unescape(alternative));
          if (words.isEmpty()) {
            throw FhirException.badRequest(name + " needs words: two or more characters, mostly letters.");
          }
          alternatives.add(words);
        }
        return new TextMatch(code, alternatives);
      }
      case NotReferenced.NAME -> {
        return new NotReferenced(fhir, params).parse(modifier, value);
      }
      case "_filter" -> {
        if (modifier != null) {
          throw FhirException.badRequest("_filter takes no modifier, not :" + modifier + ".");
        }
        return new FilterCriteria(this, options, value).criterion(types, depth);
      }
      default -> {
        if (SearchParameters.NOT_SERVED.contains(code)) {
          throw new Unknown("Search parameter " + code + " is not supported.");
        }
        return parameter(types, name, code, modifier, value, options);
      }
    }
  }

  /**
   * The id of a List to search in. R4 also names functional lists ({@code $current-problems}...), which a server need
   * not keep and this one does not: one is a 400 rather than a search that silently finds nothing.
   */
  private static String listId(String name, String id) {
    if (id.startsWith("$")) {
      throw FhirException.badRequest(name + " '" + id + "' names a functional list, which this server does not keep;"
          + " " + name + " takes the id of a List resource.");
    }
    if (!Fhir.isValidId(id)) {
      throw FhirException.badRequest(name + " '" + id + "' is not the id of a List (1-64 of A-Z a-z 0-9 - .).");
    }
    return id;
  }

  /**
   * A 400 unless {@code modifier} (null: none) is one of {@code supported}, the modifiers that the CapabilityStatement
   * and the parameter's definition list ({@link SearchParam#modifiers}); {@code what} names the parameter.
   */
  private static void checkModifier(String what, String modifier, List<String> supported) {
    if (modifier != null && !supported.contains(modifier)) {
      throw FhirException.badRequest("Modifier :" + modifier + " is not supported on " + what + "; "
          + (supported.isEmpty() ? "it takes none." : "supported: " + String.join(", ", supported) + "."));
    }
  }

  private static Criterion id(String name, String modifier, String value) {
    if ("missing".equals(modifier)) {
      return neverMissing(name, value);
    }
    List<String> ids = new ArrayList<>();
    for (String alternative : ValueParser.alternatives(name, value)) {
      ids.add(ValueParser.unescape(alternative));
    }
    return new IdMatch(ids, "not".equals(modifier));
  }

  /**
   * {@code :missing} on {@code _id} or {@code _lastUpdated}, which every resource has: true matches nothing and false
   * everything, as the resources whose id is in an empty list, or is not.
   */
  private static Criterion neverMissing(String name, String value) {
    return new IdMatch(List.of(), !missing(name, value));
  }

  /** The value of a {@code :missing}: true or false. */
  private static boolean missing(String name, String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw FhirException.badRequest(name + " takes true or false, not '" + value + "'.");
    }
    return value.equals("true");
  }

  /** The definition of {@code code} shared by all of {@code types} (the common ones when types is empty). */
  SearchParam definition(List<String> types, String code) {
    SearchParam param = find(types, code);
    if (param == null) {
      throw new Unknown("Search parameter '" + code + "' is not known for "
          + (types.isEmpty() ? "every type" : String.join(", ", types)) + ".");
    }
    return param;
  }

  /** Like {@link #definition}, but null when some of the types lack the parameter. */
  SearchParam find(List<String> types, String code) {
    List<String> scope = types.isEmpty() ? List.of("Resource") : types;
    SearchParam first = null;
    for (String type : scope) {
      SearchParam param = type.equals("Resource")
          ? params.common().stream().filter(p -> p.code().equals(code)).findFirst().orElse(null)
          : params.get(type, code).orElse(null);
      if (param == null) {
        return null;
      }
      if (first != null && first.type() != param.type()) {
        throw FhirException.badRequest("Search parameter '" + code + "' has different types across "
            + String.join(", ", scope) + ".");
      }
      first = first == null ? param : first;
    }
    return first;
  }

  private Criterion parameter(List<String> types, String name, String code, String modifier, String value,
      Options options) {
    SearchParam param = definition(types, code);
    if (!(param.type() == ParamType.REFERENCE && modifier != null && fhir.isResourceType(modifier))) {
      checkModifier(param.type().code() + " parameter " + code, modifier, param.modifiers());
    }
    if ("missing".equals(modifier)) {
      return new Missing(code, param.type(), missing(name, value));
    }
    List<String> alternatives = ValueParser.alternatives(name, value);
    return switch (param.type()) {
      case STRING -> new StringMatch(code, modifier == null ? StringMode.STARTS_WITH
          : modifier.equals("exact") ? StringMode.EXACT : StringMode.CONTAINS,
          alternatives.stream().map(ValueParser::unescape).toList());
      case TOKEN -> new Tokens(options.terminology()).criterion(code, modifier, alternatives);
      case DATE -> new DateMatch(code, alternatives.stream().map(v -> ValueParser.date(name, v)).toList());
      case NUMBER -> new NumberMatch(code, alternatives.stream().map(v -> ValueParser.number(name, v)).toList());
      case QUANTITY -> new QuantityMatch(code, alternatives.stream().map(v -> values.quantity(name, v)).toList());
      case REFERENCE -> reference(param, name, modifier, alternatives, options);
      case URI -> new UriMatch(code, modifier == null ? UriMode.EQUALS
          : modifier.equals("above") ? UriMode.ABOVE : UriMode.BELOW,
          alternatives.stream().map(ValueParser::unescape).toList());
      case COMPOSITE -> composite(param, name, alternatives);
      case SPECIAL -> near(param, name, alternatives);
    };
  }

  private Criterion reference(SearchParam param, String name, String modifier, List<String> alternatives,
      Options options) {
    if ("identifier".equals(modifier)) {
      return new TokenMatch(SearchIndex.identifierOf(param.code()),
          alternatives.stream().map(v -> ValueParser.token(name, v)).toList(), false);
    }
    String type = modifier != null ? modifier : param.targets().size() == 1 ? param.targets().get(0) : null;
    if (modifier != null && !param.targets().isEmpty() && !param.targets().contains(modifier)) {
      throw FhirException.badRequest(param.code() + " cannot refer to a " + modifier + "; it refers to "
          + String.join(", ", param.targets()) + ".");
    }
    List<ReferenceValue> references = new ArrayList<>();
    for (String alternative : alternatives) {
      references.add(values.reference(name, alternative, type, options.baseUrl()));
    }
    return new ReferenceMatch(param.code(), references);
  }

  /**
   * {@code token$value} (the first component may be a reference, written as stored: {@code DocumentReference/1}),
   * or {@code token$number$number} for the three-part coordinates of MolecularSequence.
   */
  private CompositeMatch composite(SearchParam param, String name, List<String> alternatives) {
    List<ParamType> types = params.compositeTypes(param).orElseThrow(() -> new Unknown("Composite parameter '"
        + param.code() + "' of " + param.components().size() + " components is not supported."));
    List<CompositeValue> composites = new ArrayList<>();
    for (String alternative : alternatives) {
      List<String> parts = ValueParser.split(alternative, '$');
      if (parts.size() != types.size() || parts.stream().anyMatch(String::isEmpty)) {
        throw FhirException.badRequest("'" + alternative + "' is not a value of " + name + ": use "
            + (types.size() == 2 ? "token$value, such as http://loinc.org|8480-6$gt100."
                : "token$number$number, such as 1$ge22125500$le22125600."));
      }
      TokenValue first = ValueParser.token(name, parts.get(0));
      Object second = component(param, name, types.get(1), parts.get(1));
      composites.add(new CompositeValue(first, second, types.size() == 3
          ? component(param, name, types.get(2), parts.get(2)) : null));
    }
    return new CompositeMatch(param.code(), types.get(1), composites);
  }

  private Object component(SearchParam param, String name, ParamType type, String value) {
    return switch (type) {
      case TOKEN -> ValueParser.token(name, value);
      case QUANTITY -> values.quantity(name, value);
      case DATE -> ValueParser.date(name, value);
      case NUMBER -> ValueParser.number(name, value);
      case STRING -> ValueParser.unescape(value);
      default -> throw new Unknown("Composite parameter '" + param.code() + "' with a " + type.code()
          + " component is not supported.");
    };
  }

  /** {@code near=latitude|longitude|distance|units}, the distance 1 km by default; one place per search. */
  private Criterion near(SearchParam param, String name, List<String> alternatives) {
    if (!param.code().equals("near") || alternatives.size() != 1) {
      throw new Unknown("Search parameter '" + param.code() + "' (special) is supported only as near, with one place.");
    }
    return values.near(name, param.code(), alternatives.get(0));
  }

  /** {@code ref[:Type].rest}: the inner criterion is parsed for the target types that have its parameter. */
  private Criterion chain(List<String> types, String head, String rest, String value, Options options, int depth) {
    int colon = head.indexOf(':');
    String code = colon < 0 ? head : head.substring(0, colon);
    String type = colon < 0 ? null : head.substring(colon + 1);
    List<String> targets = chainTargets(types, code, type, rest.split("[.:]", 2)[0], head + "." + rest);
    // One criterion over every target type (their parameter must have one type), so that the database sees one
    // join it can start from either end, rather than alternatives it can only try one by one.
    return new Chain(code, targets, criterion(targets, rest, value, options, depth + 1));
  }

  /**
   * The types the reference parameter {@code code} (narrowed to {@code type} when not null) may point to that have
   * the parameter {@code innerCode}; {@code chain} names the whole chain in errors.
   */
  List<String> chainTargets(List<String> types, String code, String type, String innerCode, String chain) {
    SearchParam param = definition(types, code);
    if (param.type() != ParamType.REFERENCE) {
      throw FhirException.badRequest("Chained parameter " + code + " is not a reference parameter.");
    }
    if (type != null && !fhir.isResourceType(type)) {
      throw FhirException.badRequest("'" + type + "' in the chain " + chain + " is not a resource type.");
    }
    List<String> candidates = type != null ? List.of(type)
        : param.targets().isEmpty() ? List.copyOf(fhir.resourceTypes()) : param.targets();
    List<String> targets = new ArrayList<>();
    for (String target : candidates) {
      if (innerCode.startsWith("_") || params.get(target, innerCode).isPresent()) {
        targets.add(target);
      }
    }
    if (targets.isEmpty()) {
      throw FhirException.badRequest("The chain " + chain + " is broken: no resource that " + code
          + " refers to has a search parameter '" + innerCode + "'.");
    }
    return targets;
  }

  /** {@code _has:Type:ref:param=value}, where param may itself be a {@code _has} or a chain. */
  private Criterion has(List<String> types, String name, String value, Options options, int depth) {
    String[] parts = name.split(":", 4);
    if (parts.length != 4 || !fhir.isResourceType(parts[1])) {
      throw FhirException.badRequest("'" + name + "' is not a reverse chain: use _has:Type:reference:parameter.");
    }
    String source = parts[1];
    SearchParam reference = params.get(source, parts[2]).orElseThrow(() -> FhirException.badRequest(
        "The reverse chain " + name + " is broken: " + source + " has no search parameter '" + parts[2] + "'."));
    if (reference.type() != ParamType.REFERENCE) {
      throw FhirException.badRequest("In " + name + ", " + parts[2] + " is not a reference parameter.");
    }
    if (!types.isEmpty() && !reference.targets().isEmpty()
        && types.stream().noneMatch(reference.targets()::contains)) {
      throw FhirException.badRequest("In " + name + ", " + source + "." + parts[2] + " cannot refer to "
          + String.join(", ", types) + ".");
    }
    return new Has(source, parts[2], criterion(List.of(source), parts[3], value, options, depth + 1));
  }
}
