package io.brazier.store.search;

import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.SearchQuery.Contained;
import io.brazier.fhir.search.SearchQuery.SortKey;
import java.util.List;
import java.util.UUID;

/**
 * The SQL statements of a search, built from a parsed query: the first page (which also stores the result snapshot
 * when there are more pages), a count, and the ids of matches for conditional interactions.
 */
public final class SearchSql {
  /** Matches per row of a stored snapshot. */
  public static final int CHUNK = 1000;

  private final Keys keys;

  public SearchSql(Keys keys) {
    this.keys = keys;
  }

  /**
   * One statement that finds every match in result order, counts them, stores them as snapshot {@code snapshot}
   * when they are more than {@code count}, and returns the first {@code count} with their bodies. Its first row
   * carries the total even when nothing matches (the resource columns are then null).
   * Columns: total, type, id, version, last_updated, deleted, body.
   */
  public Sql firstPage(SearchQuery query, int count, UUID snapshot) {
    Sql sql = new Sql();
    sql.append("WITH m AS MATERIALIZED (SELECT r.rid, r.version");
    List<SortKey> sort = query.sort();
    for (int k = 0; k < sort.size(); k++) {
      sql.append(", ");
      sortValue(sql, "r", query.types(), sort.get(k), query.contained() == Contained.CONTAINED);
      sql.append(" AS s" + k);
    }
    sql.append(" FROM resource r WHERE ");
    where(sql, query, true);
    sql.append("), o AS (SELECT rid, version, row_number() OVER (ORDER BY ");
    for (int k = 0; k < sort.size(); k++) {
      sql.append("s" + k + (sort.get(k).descending() ? " DESC" : "") + " NULLS LAST, ");
    }
    sql.append("rid) AS n FROM m), t AS (SELECT count(*) AS total FROM m)")
        .append(", h AS (INSERT INTO search_snapshot (id, total) SELECT ?, total FROM t", snapshot)
        .append(" WHERE total > ?)", count)
        .append(", c AS (INSERT INTO search_result (snapshot, chunk, rids, versions) SELECT ?", snapshot)
        .append(", (n - 1) / " + CHUNK + ", array_agg(rid ORDER BY n), array_agg(version ORDER BY n) FROM o")
        .append(" WHERE (SELECT total FROM t) > ?", count)
        .append(" GROUP BY (n - 1) / " + CHUNK + ")")
        .append(" SELECT t.total, r.type, r.id, r.version, r.last_updated, r.deleted, r.body FROM t")
        .append(" LEFT JOIN o ON o.n <= ?", count)
        .append(" LEFT JOIN resource r ON r.rid = o.rid ORDER BY o.n");
    return sql;
  }

  /**
   * Whether the one criterion matches at most one index row per resource, so that rows can be counted without
   * DISTINCT (an index-only count, several times faster): a single system|code token or Type/id reference, which
   * extraction stores once per resource.
   */
  private static boolean onePerResource(SearchQuery query) {
    if (query.criteria().size() != 1) {
      return false;
    }
    Criterion criterion = query.criteria().get(0);
    if (criterion instanceof Criterion.TokenMatch token) {
      return !token.negated() && token.values().size() == 1 && token.values().get(0).system() != null
          && token.values().get(0).code() != null;
    }
    return criterion instanceof Criterion.ReferenceMatch reference && reference.values().size() == 1
        && reference.values().get(0).type() != null;
  }

  /** The sort value of a row for one key: its lowest value ascending, its highest descending. */
  private void sortValue(Sql sql, String r, List<String> types, SortKey key, boolean contained) {
    switch (key.param()) {
      case "_id" -> sql.append(r + ".id");
      case "_lastUpdated" -> sql.append(r + ".last_updated");
      default -> {
        String i = sql.alias("o");
        String column = switch (key.type()) {
          case DATE -> key.descending() ? i + ".hi" : i + ".lo";
          case TOKEN -> i + ".code";
          case REFERENCE -> i + ".tid";
          case QUANTITY -> "coalesce(" + i + ".cvalue, " + i + ".value)";
          default -> i + ".value";
        };
        sql.append("(SELECT " + (key.descending() ? "max(" : "min(") + column + ") FROM "
            + Values.table(key.type()) + " " + i + " WHERE " + i + ".rid = " + r + ".rid AND ");
        new CriteriaSql(keys, contained).params(sql, i, types, key.param());
        sql.append(key.type() == ParamType.STRING || key.type() == ParamType.TOKEN || key.type() == ParamType.DATE
            || key.type() == ParamType.QUANTITY ? " AND " + i + ".qcode IS NULL)" : ")");
      }
    }
  }

  /**
   * A count. When the criteria need only rids, it counts the distinct rids of an index table's matching rows and
   * never touches the resource table, which is what makes counting a frequent code fast.
   */
  public Sql count(SearchQuery query) {
    CriteriaSql criteria = new CriteriaSql(keys, query.contained() == Contained.CONTAINED);
    Criterion driver = criteria.driver(query.criteria());
    Sql sql = new Sql();
    if (driver != null && query.contained() != Contained.BOTH
        && query.criteria().stream().allMatch(CriteriaSql::ridOnly)) {
      sql.append(onePerResource(query) ? "SELECT count(*)" : "SELECT count(DISTINCT r.rid)");
      criteria.driving(sql, "r", query.types(), query.criteria(), driver);
      return sql;
    }
    sql.append("SELECT count(*) FROM resource r WHERE ");
    where(sql, query, true);
    return sql;
  }

  /** Columns: id, in insertion order, at most {@code limit}. */
  public Sql ids(SearchQuery query, int limit) {
    return matches(query).append(" ORDER BY r.rid LIMIT ?", limit);
  }

  /** Every match, unordered: what the planner's row estimate of {@code _total=estimate} is taken from. */
  public Sql matches(SearchQuery query) {
    Sql sql = new Sql().append("SELECT r.id FROM resource r WHERE ");
    where(sql, query, true);
    return sql;
  }

  /** Appends the condition that resource row {@code r}, of any type, matches {@code criterion}. */
  public Sql condition(Sql sql, String r, Criterion criterion) {
    new CriteriaSql(keys).criterion(sql, r, List.of(), criterion);
    return sql;
  }

  /**
   * Appends the condition that resource row {@code r} matches the query: its type, not deleted, and the criteria.
   * The index tables are named as they are, so a statement that defines tables of the same names in its WITH clause
   * decides the criteria on those rows instead (how versions without index rows are searched).
   */
  public Sql condition(Sql sql, SearchQuery query) {
    where(sql, query, true);
    return sql;
  }

  /**
   * As {@link #condition(Sql, SearchQuery)}, but every criterion a test of the row itself, looked up by its rid, none
   * driving the statement from its own index: for rows chosen already, such as the window of a scan's page.
   */
  public Sql rowCondition(Sql sql, SearchQuery query) {
    where(sql, query, false);
    return sql;
  }

  /**
   * Whether a query holds parts whose cost depends on the data (chains, _has, :contains, full text), so that the
   * planner's estimate should be checked before it runs.
   */
  public static boolean mayBeCostly(SearchQuery query) {
    return query.criteria().stream().anyMatch(SearchSql::mayBeCostly);
  }

  private static boolean mayBeCostly(Criterion criterion) {
    if (criterion instanceof Criterion.AnyOf anyOf) {
      return anyOf.alternatives().stream().anyMatch(SearchSql::mayBeCostly);
    } else if (criterion instanceof Criterion.AllOf allOf) {
      return allOf.criteria().stream().anyMatch(SearchSql::mayBeCostly);
    } else if (criterion instanceof Criterion.Not not) {
      return mayBeCostly(not.inner());
    }
    return criterion instanceof Criterion.Chain || criterion instanceof Criterion.Has
        || criterion instanceof Criterion.TextMatch
        || criterion instanceof Criterion.StringMatch string && (string.mode() == Criterion.StringMode.CONTAINS
            || string.mode() == Criterion.StringMode.ENDS_WITH);
  }

  /**
   * The condition on a resource row {@code r}: it matches itself, or (_contained) it holds a contained resource of
   * the searched types that matches, or either.
   */
  private void where(Sql sql, SearchQuery query, boolean driven) {
    switch (query.contained()) {
      case TOP_LEVEL -> matching(sql, query, false, driven);
      case CONTAINED -> matching(sql, query, true, driven);
      case BOTH -> {
        sql.append("((");
        matching(sql, query, false, driven);
        sql.append(") OR (");
        matching(sql, query, true, driven);
        sql.append("))");
      }
    }
  }

  /** @param driven whether a criterion may drive the statement (its matches read first from its own index) */
  private void matching(Sql sql, SearchQuery query, boolean contained, boolean driven) {
    List<String> types = query.types();
    CriteriaSql criteria = new CriteriaSql(keys, contained);
    if (contained) {
      // A container may be of any type.
      sql.append("NOT r.deleted AND ");
      criteria.holdsContained(sql, "r", types);
    } else {
      types(sql, types);
      sql.append("NOT r.deleted");
    }
    List<Criterion> rest = query.criteria();
    Criterion driver = driven ? criteria.driver(rest) : null;
    if (driver != null) {
      List<Criterion> ridOnly = rest.stream().filter(CriteriaSql::ridOnly).toList();
      String d = sql.alias("d");
      sql.append(" AND r.rid IN (SELECT " + d + ".rid");
      criteria.driving(sql, d, types, ridOnly, driver);
      sql.append(")");
      rest = rest.stream().filter(c -> !CriteriaSql.ridOnly(c)).toList();
    }
    for (Criterion criterion : rest) {
      sql.append(" AND ");
      criteria.criterion(sql, "r", types, criterion);
    }
  }

  private void types(Sql sql, List<String> types) {
    if (types.size() == 1) {
      sql.append("r.type = ? AND ", keys.type(types.get(0)));
    } else if (!types.isEmpty()) {
      Object[] typeKeys = new Object[types.size()];
      for (int k = 0; k < types.size(); k++) {
        typeKeys[k] = keys.type(types.get(k));
      }
      sql.array("r.type = ANY(?) AND ", "int2", typeKeys);
    }
  }
}
