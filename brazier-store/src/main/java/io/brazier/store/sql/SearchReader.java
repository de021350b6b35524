package io.brazier.store.sql;

import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.SearchQuery.Include;
import io.brazier.store.IncludeQuery;
import io.brazier.store.IncludedPage;
import io.brazier.store.QueryTooCostly;
import io.brazier.store.ResourceVersion;
import io.brazier.store.SearchPage;
import io.brazier.store.StoreFailure;
import io.brazier.store.search.Keys;
import io.brazier.store.search.SearchSql;
import io.brazier.store.search.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGStatement;

/**
 * Runs searches: the statements {@link SearchSql} builds, the pages of stored snapshots (each match at the version
 * that matched, from history if it changed since), includes, and the expiry of old snapshots.
 */
final class SearchReader {
  /** How long a snapshot can be paged through after the search that made it. */
  private static final long SNAPSHOT_MINUTES = 60;
  private static final long CLEANUP_MILLIS = 60_000;
  private static final String PLAN_ROWS = "\"Plan Rows\": ";
  private static final String PAGE = """
      WITH p AS (
        SELECT u.rid, u.version, s.chunk * %d + u.k AS n
          FROM search_result s, unnest(s.rids, s.versions) WITH ORDINALITY AS u(rid, version, k)
         WHERE s.snapshot = ? AND s.chunk BETWEEN ? AND ?
      )
      SELECT 0, r.type, r.id, p.version, coalesce(h.last_updated, r.last_updated), coalesce(h.deleted, r.deleted),
             coalesce(h.body, r.body)
        FROM p JOIN resource r ON r.rid = p.rid
        LEFT JOIN resource_history h ON r.version <> p.version AND h.rid = p.rid AND h.version = p.version
       WHERE p.n > ? AND p.n <= ?
       ORDER BY p.n""".formatted(SearchSql.CHUNK);
  private static final String CLEANUP = """
      WITH old AS (DELETE FROM search_snapshot WHERE created < now() - interval '%d minutes' RETURNING id)
      DELETE FROM search_result WHERE snapshot IN (SELECT id FROM old)""".formatted(SNAPSHOT_MINUTES);

  private final DataSource dataSource;
  private final TypeKeys types;
  private final ParamKeys params;
  private final AtomicLong lastCleanup = new AtomicLong();
  private final double maxCost;

  /** {@code maxCost}: the planner's cost above which a chain, _has or :contains search is refused. */
  SearchReader(DataSource dataSource, TypeKeys types, ParamKeys params, double maxCost) {
    this.dataSource = dataSource;
    this.maxCost = maxCost;
    this.types = types;
    this.params = params;
  }

  /**
   * The statements of one search, over keys as they are when it starts (see {@link ParamKeys#lookup}). Built before
   * a connection is taken: a lookup may take one of its own.
   */
  private SearchSql statements() {
    return new SearchSql(keys(types, params.lookup()));
  }

  /** The keys of the index tables, as the statements of searches name them. */
  static Keys keys(TypeKeys types, ParamKeys.Lookup params) {
    return new Keys() {
      @Override
      public short type(String type) {
        return types.key(type);
      }

      @Override
      public Integer[] params(List<String> typeNames, String code) {
        return params.find(typeNames, code);
      }
    };
  }

  SearchPage search(SearchQuery query, int count) {
    cleanup();
    UUID snapshot = UUID.randomUUID();
    Sql sql = statements().firstPage(query, count, snapshot);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = guarded(connection, query, sql);
        ResultSet rows = statement.executeQuery()) {
      List<ResourceVersion> resources = new ArrayList<>();
      int total = 0;
      while (rows.next()) {
        total = rows.getInt(1);
        if (rows.getObject(2) != null) {
          resources.add(version(rows));
        }
      }
      return new SearchPage(resources, total, total > count ? snapshot.toString() : null);
    } catch (SQLException e) {
      throw new StoreFailure("Could not search " + query.types(), e);
    }
  }

  Optional<SearchPage> page(String snapshot, int offset, int count) {
    UUID id;
    try {
      id = UUID.fromString(snapshot);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try (Connection connection = dataSource.getConnection()) {
      Integer total = total(connection, id);
      if (total == null) {
        return Optional.empty();
      }
      Sql sql = new Sql().append(PAGE).arg(id).arg(offset / SearchSql.CHUNK)
          .arg((offset + Math.max(count, 1) - 1) / SearchSql.CHUNK).arg((long) offset).arg((long) offset + count);
      List<ResourceVersion> resources = new ArrayList<>();
      try (PreparedStatement statement = prepare(connection, sql); ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          resources.add(version(rows));
        }
      }
      return Optional.of(new SearchPage(resources, total, snapshot));
    } catch (SQLException e) {
      throw new StoreFailure("Could not read search snapshot " + snapshot, e);
    }
  }

  /** The total of a snapshot that has not expired, whether or not a search has dropped it yet; null otherwise. */
  private static Integer total(Connection connection, UUID id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT total FROM search_snapshot WHERE id = ?"
        + " AND created >= now() - interval '" + SNAPSHOT_MINUTES + " minutes'")) {
      statement.setObject(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getInt(1) : null;
      }
    }
  }

  int count(SearchQuery query) {
    Sql sql = statements().count(query);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = guarded(connection, query, sql);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new StoreFailure("Could not count " + query.types(), e);
    }
  }

  /** The planner's estimate of the matches: an EXPLAIN, which reads statistics and no rows. */
  int estimate(SearchQuery query) {
    Sql sql = statements().matches(query);
    try (Connection connection = dataSource.getConnection()) {
      return (int) Math.min(Integer.MAX_VALUE, Math.round(number(plan(connection, sql), PLAN_ROWS)));
    } catch (SQLException e) {
      throw new StoreFailure("Could not estimate a count of " + query.types(), e);
    }
  }

  List<String> ids(SearchQuery query, int limit) {
    Sql sql = statements().ids(query, limit);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = guarded(connection, query, sql);
        ResultSet rows = statement.executeQuery()) {
      List<String> ids = new ArrayList<>();
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
      return ids;
    } catch (SQLException e) {
      throw new StoreFailure("Could not search " + query.types(), e);
    }
  }

  IncludedPage include(IncludeQuery query, long after, int limit) {
    if (query.from().isEmpty() || query.forward().isEmpty() && query.reverse().isEmpty()) {
      return new IncludedPage(List.of(), null);
    }
    ParamKeys.Lookup keys = params.lookup();
    Sql sql = new Sql().append("SELECT 0, r.type, r.id, r.version, r.last_updated, r.deleted, r.body, r.rid"
        + " FROM resource r WHERE NOT r.deleted AND r.rid > ? AND r.rid IN (", after);
    String union = "";
    for (Include include : query.forward()) {
      sql.append(union + "SELECT t.rid FROM resource s JOIN search_reference i ON i.rid = s.rid"
          + " JOIN resource t ON t.type = i.ttype AND t.id = i.tid WHERE ");
      referencing(sql.append("(s.type, s.id)"), query.from(), include, keys);
      union = " UNION ";
    }
    for (Include include : query.reverse()) {
      sql.append(union + "SELECT i.rid FROM search_reference i WHERE ");
      referencing(sql.append("(i.ttype, i.tid)"), query.from(), include, keys);
      union = " UNION ";
    }
    sql.append(")");
    if (!query.except().isEmpty()) {
      pairs(sql.append(" AND (r.type, r.id) NOT"), query.except());
    }
    if (query.filter() != null) {
      new SearchSql(keys(types, keys)).condition(sql.append(" AND "), "r", query.filter());
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql.append(" ORDER BY r.rid LIMIT ?", limit + 1));
        ResultSet rows = statement.executeQuery()) {
      List<ResourceVersion> included = new ArrayList<>();
      long last = after;
      while (rows.next()) {
        if (included.size() == limit) {
          return new IncludedPage(included, last); // the row past the limit: there is more
        }
        included.add(version(rows));
        last = rows.getLong(8);
      }
      return new IncludedPage(included, null);
    } catch (SQLException e) {
      throw new StoreFailure("Could not read included resources", e);
    }
  }

  /** The condition that a reference (whose holder or target is in {@code sql} already) is of {@code include}. */
  private void referencing(Sql sql, List<ResourceVersion> from, Include include, ParamKeys.Lookup keys) {
    pairs(sql, from).array(" AND i.param = ANY(?)", "int4", keys.find(List.of(include.sourceType()), include.param()));
    if (include.targetType() != null) {
      sql.append(" AND i.ttype = ?", types.key(include.targetType()));
    }
  }

  /** {@code IN} the (type key, id) pairs of {@code resources}. */
  private Sql pairs(Sql sql, List<ResourceVersion> resources) {
    Object[] typeKeys = new Object[resources.size()];
    Object[] ids = new Object[resources.size()];
    for (int k = 0; k < resources.size(); k++) {
      typeKeys[k] = types.key(resources.get(k).type());
      ids[k] = resources.get(k).id();
    }
    return sql.array(" IN (SELECT * FROM unnest(?::smallint[]", "int2", typeKeys).array(", ?::text[]))", "text", ids);
  }

  /** The live resources of a type in id order, after {@code afterId}. */
  List<ResourceVersion> scan(String type, String afterId, int limit) {
    String sql = "SELECT 0, type, id, version, last_updated, deleted, body FROM resource"
        + " WHERE type = ? AND id > ? AND NOT deleted ORDER BY id LIMIT ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, new Sql().append(sql).arg(types.key(type))
            .arg(afterId == null ? "" : afterId).arg(limit));
        ResultSet rows = statement.executeQuery()) {
      List<ResourceVersion> found = new ArrayList<>();
      while (rows.next()) {
        found.add(version(rows));
      }
      return found;
    } catch (SQLException e) {
      throw new StoreFailure("Could not scan " + type, e);
    }
  }

  private ResourceVersion version(ResultSet rows) throws SQLException {
    return new ResourceVersion(types.name(rows.getShort(2)), rows.getString(3), rows.getInt(4),
        rows.getTimestamp(5).toInstant(), rows.getBoolean(6), rows.getBytes(7));
  }

  /**
   * Prepares a search statement; one whose cost depends on the data is first explained, and refused when the
   * planner expects it to cost more than {@code maxCost}.
   */
  private PreparedStatement guarded(Connection connection, SearchQuery query, Sql sql) throws SQLException {
    if (SearchSql.mayBeCostly(query)) {
      String json = plan(connection, sql);
      double cost = number(json, "\"Total Cost\": ");
      if (cost > maxCost) {
        throw new QueryTooCostly("This search is too costly: the database expects to go through about "
            + (long) number(json, PLAN_ROWS) + " rows and more. Narrow it with a selective parameter;"
            + " chains, _has, :contains and full text are costly without one.");
      }
    }
    return prepare(connection, sql);
  }

  /** The planner's plan of {@code sql}, as JSON. */
  private static String plan(Connection connection, Sql sql) throws SQLException {
    Sql explain = new Sql().append("EXPLAIN (FORMAT JSON) " + sql.text());
    sql.args().forEach(explain::arg);
    try (PreparedStatement statement = prepare(connection, explain); ResultSet plan = statement.executeQuery()) {
      plan.next();
      return plan.getString(1);
    }
  }

  /** The first number after {@code key} in a JSON plan: its top node's. */
  private static double number(String json, String key) {
    int at = json.indexOf(key) + key.length();
    int end = at;
    while (end < json.length() && "0123456789.e+-".indexOf(json.charAt(end)) >= 0) {
      end++;
    }
    return Double.parseDouble(json.substring(at, end));
  }

  /**
   * Prepares {@code sql} with its arguments. A search is always planned for its own values: a plan cached for the
   * statement (PostgreSQL's generic plan, after a few runs) cannot tell a patient's few Observations from a code's
   * fifty thousand, and drives from the wrong one.
   */
  private static PreparedStatement prepare(Connection connection, Sql sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql.text());
    statement.unwrap(PGStatement.class).setPrepareThreshold(0);
    return bound(connection, statement, sql.args());
  }

  /**
   * Prepares {@code sql} with its arguments, as the driver does by default: a statement run a few times is then
   * prepared on the server, whose rows come in binary (bodies as they are, not in hex). For a statement whose plan
   * does not depend on its values, or that runs with {@code plan_cache_mode = force_custom_plan}.
   */
  static PreparedStatement prepared(Connection connection, Sql sql) throws SQLException {
    return bound(connection, connection.prepareStatement(sql.text()), sql.args());
  }

  private static PreparedStatement bound(Connection connection, PreparedStatement statement, List<Object> args)
      throws SQLException {
    try {
      int i = 1;
      for (Object arg : args) {
        bind(connection, statement, i++, arg);
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  private static void bind(Connection connection, PreparedStatement statement, int index, Object arg)
      throws SQLException {
    if (arg instanceof Sql.Array array) {
      statement.setArray(index, connection.createArrayOf(array.elementType(), array.values()));
    } else {
      statement.setObject(index, arg);
    }
  }

  /** Drops expired snapshots, at most once a minute, on the way into a search. */
  private void cleanup() {
    long now = System.currentTimeMillis();
    long last = lastCleanup.get();
    if (now - last < CLEANUP_MILLIS || !lastCleanup.compareAndSet(last, now)) {
      return;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(CLEANUP)) {
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new StoreFailure("Could not drop expired search snapshots", e);
    }
  }
}
