package io.brazier.store.sql;

import io.brazier.store.IndexedValue;
import io.brazier.store.StoreFailure;
import io.brazier.store.search.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The distinct values of a token or uri parameter ({@code _tag}, {@code _security}, {@code _profile}: what
 * {@code [type]/$meta} lists), read as a loose index scan: from each value straight to the next through the value
 * index, one probe per distinct value, where a DISTINCT reads every row, a row per tagged resource. A parameter has
 * rows in one of the two tables only; each stops after {@code limit} values, more than an answer may hold.
 */
final class DistinctValues {
  /**
   * The next token after (code, system) in the index's order, both ascending with NULLs last: the same code with a
   * later system or none, a later code, or no code (then by system). Each branch reads at most one index entry, and
   * the first that finds one ends the probe; a branch whose condition on the current value is false costs nothing.
   * Where the code IS NULL the order is still written (code, system), the index's: PostgreSQL follows an index's order
   * past equalities only, and would sort every row without a code instead.
   */
  private static final String NEXT_TOKEN = """
      SELECT code, system FROM search_token WHERE param = t.param AND qcode IS NULL %s""";
  private static final String SQL = """
      WITH RECURSIVE tokens(param, code, system, n) AS (
        SELECT p, f.code, f.system, 1 FROM unnest(?) AS p, LATERAL (
          SELECT code, system FROM search_token WHERE param = p AND qcode IS NULL ORDER BY code, system LIMIT 1) f
        UNION ALL
        SELECT t.param, f.code, f.system, t.n + 1 FROM tokens t, LATERAL (
          (%s) UNION ALL (%s) UNION ALL (%s) UNION ALL (%s) UNION ALL (%s) UNION ALL (%s) LIMIT 1) f
         WHERE t.n < ?
      ), uris(param, value, n) AS (
        SELECT p, f.value, 1 FROM unnest(?) AS p, LATERAL (
          SELECT value FROM search_uri WHERE param = p ORDER BY value LIMIT 1) f
        UNION ALL
        SELECT u.param, f.value, u.n + 1 FROM uris u, LATERAL (
          SELECT value FROM search_uri WHERE param = u.param AND value > u.value ORDER BY value LIMIT 1) f
         WHERE u.n < ?
      )
      SELECT system, code FROM tokens UNION SELECT NULL, value FROM uris ORDER BY 1 NULLS FIRST, 2 LIMIT ?"""
      .formatted(NEXT_TOKEN.formatted("AND code = t.code AND system > t.system ORDER BY system LIMIT 1"),
          NEXT_TOKEN.formatted("AND code = t.code AND system IS NULL AND t.system IS NOT NULL LIMIT 1"),
          NEXT_TOKEN.formatted("AND code > t.code ORDER BY code, system LIMIT 1"),
          NEXT_TOKEN.formatted("AND code IS NULL AND t.code IS NOT NULL ORDER BY code, system LIMIT 1"),
          NEXT_TOKEN.formatted("AND code IS NULL AND t.code IS NULL AND system > t.system ORDER BY code, system"
              + " LIMIT 1"),
          NEXT_TOKEN.formatted("AND code IS NULL AND system IS NULL AND t.code IS NULL AND t.system IS NOT NULL"
              + " LIMIT 1"));

  private final DataSource dataSource;
  private final ParamKeys params;

  DistinctValues(DataSource dataSource, ParamKeys params) {
    this.dataSource = dataSource;
    this.params = params;
  }

  /** See {@link io.brazier.store.Store#indexedValues}. */
  List<IndexedValue> of(List<String> typeNames, String code, int limit) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = SearchReader.prepared(connection, sql(typeNames, code, limit));
        ResultSet rows = statement.executeQuery()) {
      List<IndexedValue> values = new ArrayList<>();
      while (rows.next()) {
        values.add(new IndexedValue(rows.getString(1), rows.getString(2)));
      }
      return values;
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the values of " + code + " of " + typeNames, e);
    }
  }

  Sql sql(List<String> typeNames, String code, int limit) {
    Sql.Array keys = new Sql.Array("int4", params.lookup().find(typeNames, code));
    return new Sql().append(SQL, keys).arg(limit).arg(keys).arg(limit).arg(limit);
  }
}
