package io.brazier.store.sql;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.ResourceVersion;
import io.brazier.store.search.SearchSql;
import io.brazier.store.search.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides search criteria on versions that have no index rows (those in history). Their index values, extracted from
 * their JSON, become the rows of one statement's WITH clauses named {@code resource}, {@code search_token},
 * {@code search_string}... which stand in for the tables of those names, so the criteria run as the very SQL of a
 * search, with the tables' column types and collations: a version matches exactly when it would have matched on its
 * own index rows. Only criteria on the resource itself may run so (see {@link io.brazier.store.AsOfScan}).
 */
final class PastCriteria {
  private static final String RESOURCES = "WITH resource AS (SELECT * FROM unnest(?::int8[], ?::int2[], ?::text[],"
      + " ?::int4[], ?::timestamptz[], ?::bool[]) AS r(rid, type, id, version, last_updated, deleted))";

  private final TypeKeys types;
  private final ParamKeys params;

  PastCriteria(TypeKeys types, ParamKeys params) {
    this.types = types;
    this.params = params;
  }

  /** The rids, among {@code versions} (by rid), of the versions that meet the query's criteria. */
  Set<Long> matching(Connection connection, SearchSql statements, SearchQuery query,
      Map<Long, ResourceVersion> versions, FhirSearch search) throws SQLException {
    Set<Long> matching = new HashSet<>();
    try (PreparedStatement statement = SearchReader.prepared(connection,
        statement(statements, query, versions, search));
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        matching.add(rows.getLong(1));
      }
    }
    return matching;
  }

  private Sql statement(SearchSql statements, SearchQuery query, Map<Long, ResourceVersion> versions,
      FhirSearch search) {
    int n = versions.size();
    Object[] rids = new Object[n];
    Object[] typeKeys = new Object[n];
    Object[] ids = new Object[n];
    Object[] numbers = new Object[n];
    Object[] updated = new Object[n];
    Object[] deleted = new Object[n];
    // Only keys this node knows: a value of a parameter no current row has ever been indexed with matches nothing.
    IndexRows rows = new IndexRows(types, (type, code) -> params.known(type, code) ? params.key(type, code) : null);
    int k = 0;
    for (Map.Entry<Long, ResourceVersion> entry : versions.entrySet()) {
      ResourceVersion version = entry.getValue();
      rids[k] = entry.getKey();
      typeKeys[k] = types.key(version.type());
      ids[k] = version.id();
      numbers[k] = version.version();
      updated[k] = Timestamp.from(version.lastUpdated());
      deleted[k++] = version.deleted();
      if (!version.deleted()) {
        rows.add(version.type(), entry.getKey(), search.index(version.json()));
      }
    }
    Sql sql = new Sql().append(RESOURCES).arg(new Sql.Array("int8", rids)).arg(new Sql.Array("int2", typeKeys))
        .arg(new Sql.Array("text", ids)).arg(new Sql.Array("int4", numbers))
        .arg(new Sql.Array("timestamptz", updated)).arg(new Sql.Array("bool", deleted));
    for (IndexRows.Table table : rows.tables()) {
      sql.append(", " + table.name() + " AS (" + table.select() + ")");
      for (int column = 0; column < table.columnCount(); column++) {
        sql.arg(new Sql.Array(table.arrayType(column), table.column(column)));
      }
    }
    return statements.condition(sql.append(" SELECT r.rid FROM resource r WHERE "), query);
  }
}
