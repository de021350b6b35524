package io.brazier.store.search;

import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.AllOf;
import io.brazier.fhir.search.Criterion.AnyOf;
import io.brazier.fhir.search.Criterion.Chain;
import io.brazier.fhir.search.Criterion.CompositeMatch;
import io.brazier.fhir.search.Criterion.CompositeValue;
import io.brazier.fhir.search.Criterion.DateMatch;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.Has;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.Criterion.InCompartment;
import io.brazier.fhir.search.Criterion.InList;
import io.brazier.fhir.search.Criterion.LastUpdatedMatch;
import io.brazier.fhir.search.Criterion.Missing;
import io.brazier.fhir.search.Criterion.Near;
import io.brazier.fhir.search.Criterion.Not;
import io.brazier.fhir.search.Criterion.NumberMatch;
import io.brazier.fhir.search.Criterion.NumberValue;
import io.brazier.fhir.search.Criterion.OfType;
import io.brazier.fhir.search.Criterion.QuantityMatch;
import io.brazier.fhir.search.Criterion.QuantityValue;
import io.brazier.fhir.search.Criterion.ReferenceMatch;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.TextMatch;
import io.brazier.fhir.search.Criterion.TokenMatch;
import io.brazier.fhir.search.Criterion.TokenValue;
import io.brazier.fhir.search.Criterion.UriMatch;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.SearchIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns search criteria into SQL conditions on a resource row: each criterion is an {@code EXISTS} over the index
 * table of its type, correlated on the row's rid, which PostgreSQL plans as a semi-join in whatever order its
 * statistics favour. Chains join through the reference table to the target row, {@code _has} the other way round.
 */
final class CriteriaSql {
  private final Keys keys;
  private final Values values = new Values();
  /** Whether criteria apply to the rows' contained resources ({@code _contained}) rather than to the rows. */
  private final boolean contained;

  CriteriaSql(Keys keys) {
    this(keys, false);
  }

  CriteriaSql(Keys keys, boolean contained) {
    this.keys = keys;
    this.contained = contained;
  }

  void criterion(Sql sql, String r, List<String> types, Criterion criterion) {
    Lookup lookup = lookup(sql, criterion);
    if (lookup != null) {
      String i = sql.alias("i");
      sql.append(lookup.negated() ? "NOT " : "").append("EXISTS (SELECT 1 FROM " + lookup.table() + " " + i
          + " WHERE " + i + ".rid = " + r + ".rid AND ");
      lookup.where(sql, this, i, types);
      sql.append(")");
    } else if (criterion instanceof Missing missing) {
      missing(sql, r, types, missing);
    } else if (criterion instanceof IdMatch id && contained) {
      String i = sql.alias("i");
      sql.append(id.negated() ? "NOT " : "").append("EXISTS (SELECT 1 FROM search_token " + i + " WHERE " + i
          + ".rid = " + r + ".rid AND ");
      params(sql, i, types, "_id");
      sql.array(" AND " + i + ".code = ANY(?))", "text", id.ids().toArray());
    } else if (criterion instanceof IdMatch id) {
      sql.append(id.negated() ? "NOT " : "").array(r + ".id = ANY(?)", "text", id.ids().toArray());
    } else if (criterion instanceof OfType of) {
      sql.array(r + ".type = ANY(?)", "int2", typeKeys(of.types()));
    } else if (criterion instanceof LastUpdatedMatch updated) {
      sql.append("(");
      any(sql, updated.values(), v -> values.lastUpdated(sql, r + ".last_updated", v));
      sql.append(")");
    } else {
      related(sql, r, types, criterion);
    }
  }

  /**
   * A criterion that one index table answers: which table, which parameter, whether composite rows are left out,
   * and the condition on a row of it.
   */
  private record Lookup(String table, String param, boolean plain, boolean negated, Condition condition) {
    void where(Sql sql, CriteriaSql criteria, String i, List<String> types) {
      criteria.params(sql, i, types, param);
      sql.append(plain ? " AND " + i + ".qcode IS NULL AND (" : " AND (");
      condition.append(i);
      sql.append(")");
    }
  }

  /** The index lookup of a criterion, or null when it is not one. */
  private Lookup lookup(Sql sql, Criterion criterion) {
    if (criterion instanceof TokenMatch token) {
      return new Lookup("search_token", token.param(), true, token.negated(), i -> values.tokens(sql, i, token.values()));
    } else if (criterion instanceof StringMatch string) {
      return new Lookup("search_string", string.param(), true, false,
          i -> any(sql, string.values(), v -> values.string(sql, i, string.mode(), v)));
    } else if (criterion instanceof DateMatch date) {
      return new Lookup("search_date", date.param(), true, false,
          i -> any(sql, date.values(), v -> values.date(sql, i + ".lo", i + ".hi", v)));
    } else if (criterion instanceof NumberMatch number) {
      return new Lookup("search_number", number.param(), false, false,
          i -> any(sql, number.values(), v -> values.number(sql, i + ".value", v)));
    } else if (criterion instanceof QuantityMatch quantity) {
      return new Lookup("search_quantity", quantity.param(), true, false,
          i -> any(sql, quantity.values(), v -> values.quantity(sql, i, v)));
    } else if (criterion instanceof ReferenceMatch reference) {
      return new Lookup("search_reference", reference.param(), false, false,
          i -> any(sql, reference.values(), v -> values.reference(sql, i, v, keys)));
    } else if (criterion instanceof UriMatch uri) {
      return new Lookup("search_uri", uri.param(), false, false,
          i -> any(sql, uri.values(), v -> values.uri(sql, i + ".value", uri.mode(), v)));
    } else if (criterion instanceof CompositeMatch composite) {
      return new Lookup(Values.table(composite.secondType()), composite.param(), false, false,
          i -> any(sql, composite.values(), v -> compositeValue(sql, i, composite.secondType(), v)));
    } else if (criterion instanceof Near near) {
      return new Lookup("search_position", near.param(), false, false, i -> values.near(sql, i, near));
    } else if (criterion instanceof TextMatch text) {
      return new Lookup("search_text", text.param(), false, false,
          i -> sql.append(i + ".words @@ ?::tsquery", Values.tsquery(text.values())));
    }
    return null;
  }

  /**
   * The criterion whose index rows can stand for the matches: the first positive lookup among those that need only
   * the row's rid (index rows exist only for live, current versions); null when there is none.
   */
  Criterion driver(List<Criterion> criteria) {
    for (Criterion criterion : criteria) {
      Lookup lookup = ridOnly(criterion) ? lookup(new Sql(), criterion) : null;
      if (lookup != null && !lookup.negated()) {
        return criterion;
      }
    }
    return null;
  }

  /**
   * Appends {@code FROM table d WHERE} the driver's condition {@code AND} the other rid-only criteria, on the
   * driver's index rows {@code d}: the database can then join index lists with each other before it reads any
   * resource row.
   */
  void driving(Sql sql, String d, List<String> types, List<Criterion> ridOnly, Criterion driver) {
    Lookup lookup = lookup(sql, driver);
    sql.append(" FROM " + lookup.table() + " " + d + " WHERE ");
    lookup.where(sql, this, d, types);
    for (Criterion criterion : ridOnly) {
      if (criterion != driver) {
        sql.append(" AND ");
        criterion(sql, d, types, criterion);
      }
    }
  }

  /**
   * Whether a criterion looks at the row's rid alone (not its id, type or lastUpdated): a compartment does unless
   * its owner itself is a member.
   */
  static boolean ridOnly(Criterion criterion) {
    if (criterion instanceof InCompartment compartment) {
      return !compartment.includeOwner();
    } else if (criterion instanceof AnyOf anyOf) {
      return anyOf.alternatives().stream().allMatch(CriteriaSql::ridOnly);
    } else if (criterion instanceof AllOf allOf) {
      return allOf.criteria().stream().allMatch(CriteriaSql::ridOnly);
    } else if (criterion instanceof Not not) {
      return ridOnly(not.inner());
    }
    return !(criterion instanceof IdMatch || criterion instanceof LastUpdatedMatch || criterion instanceof Has
        || criterion instanceof InList || criterion instanceof OfType);
  }

  /** The criteria that relate the row to other resources: chains, _has, _list, compartments. */
  private void related(Sql sql, String r, List<String> types, Criterion criterion) {
    if (criterion instanceof Chain chain) {
      String i = sql.alias("c");
      String t = sql.alias("t");
      sql.append("EXISTS (SELECT 1 FROM search_reference " + i + " JOIN resource " + t + " ON " + t + ".type = "
          + i + ".ttype AND " + t + ".id = " + i + ".tid WHERE " + i + ".rid = " + r + ".rid AND ");
      params(sql, i, types, chain.param());
      sql.array(" AND " + i + ".ttype = ANY(?)", "int2", typeKeys(chain.targetTypes()));
      sql.append(" AND NOT " + t + ".deleted AND ");
      criterion(sql, t, chain.targetTypes(), chain.inner());
      sql.append(")");
    } else if (criterion instanceof Has has) {
      has(sql, r, has);
    } else if (criterion instanceof InList list) {
      String l = sql.alias("l");
      String i = sql.alias("i");
      sql.append("EXISTS (SELECT 1 FROM resource " + l + " JOIN search_reference " + i + " ON " + i + ".rid = " + l
          + ".rid WHERE " + l + ".type = ?", keys.type("List"));
      sql.array(" AND " + l + ".id = ANY(?)", "text", list.listIds().toArray());
      sql.append(" AND NOT " + l + ".deleted AND ");
      params(sql, i, List.of("List"), "item");
      sql.append(" AND " + i + ".ttype = " + r + ".type AND " + i + ".tid = " + r + ".id)");
    } else if (criterion instanceof InCompartment compartment) {
      compartment(sql, r, types, compartment);
    } else if (criterion instanceof AnyOf anyOf) {
      joined(sql, r, types, anyOf.alternatives(), " OR ");
    } else if (criterion instanceof AllOf allOf) {
      joined(sql, r, types, allOf.criteria(), " AND ");
    } else if (criterion instanceof Not not) {
      sql.append("NOT ");
      joined(sql, r, types, List.of(not.inner()), "");
    } else {
      throw new IllegalArgumentException("Unknown criterion " + criterion);
    }
  }

  /**
   * Some resource refers to row {@code r} and matches. The source row is joined only when something is asked of
   * it: {@code _not-referenced=*:*} reads the reference index alone (index rows are those of live, current versions).
   */
  private void has(Sql sql, String r, Has has) {
    String i = sql.alias("h");
    List<String> sourceTypes = has.sourceType() == null ? List.of() : List.of(has.sourceType());
    boolean bySource = has.inner() != null || has.sourceType() != null && has.param() == null;
    String s = bySource ? sql.alias("s") : null;
    sql.append("EXISTS (SELECT 1 FROM search_reference " + i
        + (bySource ? " JOIN resource " + s + " ON " + s + ".rid = " + i + ".rid" : "")
        + " WHERE " + i + ".ttype = " + r + ".type AND " + i + ".tid = " + r + ".id");
    if (has.param() != null) {
      sql.append(" AND ");
      params(sql, i, sourceTypes, has.param());
    } else if (has.sourceType() != null) {
      sql.append(" AND " + s + ".type = ?", keys.type(has.sourceType()));
    }
    if (has.inner() != null) {
      sql.append(" AND ");
      criterion(sql, s, sourceTypes, has.inner());
    }
    sql.append(")");
  }

  /** The criteria joined by {@code operator}, in parentheses: each is the SQL it is on its own. */
  private void joined(Sql sql, String r, List<String> types, List<Criterion> criteria, String operator) {
    sql.append("(");
    for (int k = 0; k < criteria.size(); k++) {
      sql.append(k == 0 ? "" : operator);
      criterion(sql, r, types, criteria.get(k));
    }
    sql.append(")");
  }

  private interface Condition {
    void append(String alias);
  }

  interface ValueCondition<T> {
    void append(T value);
  }

  void params(Sql sql, String i, List<String> types, String param) {
    sql.array(i + ".param = ANY(?)", "int4", contained ? containedKeys(types, param) : keys.params(types, param));
  }

  /** The keys of a contained parameter: one per container type that has held a resource of {@code types}. */
  private Object[] containedKeys(List<String> types, String param) {
    List<Integer> found = new ArrayList<>();
    for (String type : types) {
      found.addAll(List.of(keys.params(List.of(), SearchIndex.containedOf(type, param))));
    }
    return found.toArray();
  }

  /**
   * The condition that a row holds a contained resource of one of {@code types}: every contained resource is
   * indexed with its local id.
   */
  void holdsContained(Sql sql, String r, List<String> types) {
    String c = sql.alias("c");
    sql.append("EXISTS (SELECT 1 FROM search_token " + c + " WHERE " + c + ".rid = " + r + ".rid AND ");
    params(sql, c, types, "_id");
    sql.append(")");
  }

  static <T> void any(Sql sql, List<T> alternatives, ValueCondition<T> condition) {
    for (int k = 0; k < alternatives.size(); k++) {
      sql.append(k == 0 ? "(" : " OR (");
      condition.append(alternatives.get(k));
      sql.append(")");
    }
  }

  private Object[] typeKeys(List<String> types) {
    Object[] typeKeys = new Object[types.size()];
    for (int k = 0; k < types.size(); k++) {
      typeKeys[k] = keys.type(types.get(k));
    }
    return typeKeys;
  }

  private void compositeValue(Sql sql, String i, ParamType secondType, CompositeValue value) {
    values.token(sql, i + ".qsystem", i + ".qcode", value.first());
    sql.append(" AND ");
    Object second = value.second();
    switch (secondType) {
      case TOKEN -> values.token(sql, i + ".system", i + ".code", (TokenValue) second);
      case QUANTITY -> values.quantity(sql, i, (QuantityValue) second);
      case DATE -> values.date(sql, i + ".lo", i + ".hi", (DateValue) second);
      case NUMBER -> {
        values.number(sql, i + ".value", (NumberValue) second);
        if (value.third() != null) {
          sql.append(" AND ");
          values.number(sql, i + ".value2", (NumberValue) value.third());
        }
      }
      case STRING -> values.string(sql, i, Criterion.StringMode.STARTS_WITH, (String) second);
      default -> throw new IllegalArgumentException("Composite with a " + secondType + " component");
    }
  }

  /**
   * Whether the row has any entry for the parameter; a reference that carries only an identifier has a value
   * too (in the token table, under the parameter's {@code :identifier}).
   */
  private void missing(Sql sql, String r, List<String> types, Missing missing) {
    List<String[]> places = switch (missing.type()) {
      case COMPOSITE -> List.of(new String[] {"search_token", missing.param()},
          new String[] {"search_quantity", missing.param()}, new String[] {"search_date", missing.param()},
          new String[] {"search_string", missing.param()}, new String[] {"search_number", missing.param()});
      case REFERENCE -> List.of(new String[] {"search_reference", missing.param()},
          new String[] {"search_token", SearchIndex.identifierOf(missing.param())});
      default -> List.<String[]>of(new String[] {Values.table(missing.type()), missing.param()});
    };
    sql.append(missing.missing() ? "NOT (" : "(");
    for (int k = 0; k < places.size(); k++) {
      String i = sql.alias("i");
      sql.append(k == 0 ? "" : " OR ").append("EXISTS (SELECT 1 FROM " + places.get(k)[0] + " " + i + " WHERE " + i
          + ".rid = " + r + ".rid AND ");
      params(sql, i, types, places.get(k)[1]);
      sql.append(")");
    }
    sql.append(")");
  }

  private void compartment(Sql sql, String r, List<String> types, InCompartment compartment) {
    List<Object> paramKeys = new ArrayList<>();
    for (Map.Entry<String, List<String>> entry : compartment.paramsByType().entrySet()) {
      for (String param : entry.getValue()) {
        paramKeys.addAll(List.of(keys.params(List.of(entry.getKey()), param)));
      }
    }
    String i = sql.alias("p");
    short owner = keys.type(compartment.compartmentType());
    boolean anyOwner = compartment.ids().isEmpty();
    sql.append("(EXISTS (SELECT 1 FROM search_reference " + i + " WHERE " + i + ".rid = " + r + ".rid")
        .array(" AND " + i + ".param = ANY(?)", "int4", paramKeys.toArray())
        .append(" AND " + i + ".ttype = ?", owner);
    if (!anyOwner) {
      sql.array(" AND " + i + ".tid = ANY(?)", "text", compartment.ids().toArray());
    }
    sql.append(")");
    // Only rows of the owner's type can be owners: for others the test is left out, as its OR would keep the
    // planner from joining the reference lookup (a scan of Observations by compartment tested every row against
    // a hash of every reference to a patient).
    if (compartment.includeOwner() && (types.isEmpty() || types.contains(compartment.compartmentType()))) {
      sql.append(" OR " + r + ".type = ?", owner);
      if (!anyOwner) {
        sql.array(" AND " + r + ".id = ANY(?)", "text", compartment.ids().toArray());
      }
    }
    sql.append(")");
  }
}
