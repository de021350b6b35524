package io.brazier.store.sql;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.ImportLine;
import io.brazier.store.Write;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the search index rows of a batch of versions inside the caller's transaction: it deletes the rows of the
 * versions replaced and inserts the new ones, all tables in one statement (data-modifying CTEs over arrays), so
 * indexing costs one round trip per batch whatever its size.
 */
final class IndexWriter {
  static final List<String> TABLES = List.of("search_string", "search_token", "search_date", "search_number",
      "search_quantity", "search_reference", "search_uri", "search_text", "search_position");

  private final TypeKeys types;
  private final ParamKeys params;

  IndexWriter(TypeKeys types, ParamKeys params) {
    this.types = types;
    this.params = params;
  }

  /** Makes sure every parameter of the batch has a key; runs before the write's transaction opens. */
  void prepare(List<Write> writes) {
    prepare(writes, Write::type, Write::index);
  }

  /** Makes sure every parameter of these items' indexes has a key, before a transaction opens. */
  <T> void prepare(List<T> items, Function<T, String> type, Function<T, SearchIndex> index) {
    Set<List<String>> missing = new LinkedHashSet<>();
    for (T item : items) {
      for (String code : codes(index.apply(item))) {
        if (!params.known(type.apply(item), code)) {
          missing.add(List.of(type.apply(item), code));
        }
      }
    }
    if (!missing.isEmpty()) {
      List<String[]> typeCodes = new ArrayList<>();
      missing.forEach(pair -> typeCodes.add(pair.toArray(new String[0])));
      params.register(typeCodes);
    }
  }

  /** The distinct parameter codes of an index, in one pass over its entries. */
  private static Set<String> codes(SearchIndex index) {
    Set<String> codes = new HashSet<>();
    index.strings().forEach(e -> codes.add(e.param()));
    index.tokens().forEach(e -> codes.add(e.param()));
    index.dates().forEach(e -> codes.add(e.param()));
    index.numbers().forEach(e -> codes.add(e.param()));
    index.quantities().forEach(e -> codes.add(e.param()));
    index.references().forEach(e -> codes.add(e.param()));
    index.uris().forEach(e -> codes.add(e.param()));
    index.texts().forEach(e -> codes.add(e.param()));
    index.positions().forEach(e -> codes.add(e.param()));
    return codes;
  }

  /**
   * Replaces the index rows of {@code replaced} (rids whose previous version had rows) and inserts those of each
   * write, whose rid is in {@code rids} by type key and id.
   */
  void write(Connection connection, List<Write> writes, Map<String, Long> rids, Collection<Long> replaced)
      throws SQLException {
    IndexRows rows = new IndexRows(types, params::key);
    for (Write write : writes) {
      Long rid = rids.get(types.key(write.type()) + "/" + write.id());
      if (rid != null && !write.deleted()) {
        rows.add(write.type(), rid, write.index());
      }
    }
    execute(connection, rows, "", replaced);
  }

  /**
   * The index rows of imported lines as COPY rows into the tables whose names start with {@code prefix}, each line's
   * rows under {@code rids[i]} (the staging tables take the line's number there, the live tables its rid): a batch
   * is thousands of lines. The parameters must have keys ({@link #prepare}).
   */
  List<CopyRows> encode(String prefix, List<ImportLine> lines, long[] rids) {
    IndexRows rows = new IndexRows(types, params::key);
    for (int i = 0; i < lines.size(); i++) {
      rows.add(lines.get(i).type(), rids[i], lines.get(i).index());
    }
    return rows.tables().stream().map(table -> table.copy(prefix)).toList();
  }

  /**
   * The statement that copies the staged rows of lines into a live index table ({@code prefix + table} to
   * {@code table}), each under the rid its line got: to bind, the arrays of line numbers and rids, then the lowest
   * and highest line number (the range that the staging table's BRIN index finds).
   */
  static String copyStaged(String prefix, String table) {
    String columns = IndexRows.columns(table);
    return "INSERT INTO " + table + " (" + columns + ") SELECT " + columns.replace("rid", "m.rid") + " FROM "
        + prefix + table + " s JOIN unnest(?::int8[], ?::int8[]) AS m(seq, rid) ON s.rid = m.seq"
        + " WHERE s.rid BETWEEN ? AND ?";
  }

  /** Deletes the rows of {@code replaced}, then inserts {@code rows} into the tables named {@code prefix + table}. */
  private void execute(Connection connection, IndexRows rows, String prefix, Collection<Long> replaced)
      throws SQLException {
    StringBuilder sql = new StringBuilder("WITH ");
    List<Object[]> arrays = new ArrayList<>();
    List<String> arrayTypes = new ArrayList<>();
    int n = 0;
    if (!replaced.isEmpty()) {
      for (String table : TABLES) {
        sql.append("d").append(n++).append(" AS (DELETE FROM ").append(table).append(" WHERE rid = ANY(?::int8[])), ");
        arrays.add(replaced.toArray());
        arrayTypes.add("int8");
      }
    }
    for (IndexRows.Table table : rows.tables()) {
      if (table.isEmpty()) {
        continue;
      }
      sql.append("i").append(n++).append(" AS (").append(table.insert(prefix)).append("), ");
      for (int column = 0; column < table.columnCount(); column++) {
        arrays.add(table.column(column));
        arrayTypes.add(table.arrayType(column));
      }
    }
    if (n == 0) {
      return;
    }
    sql.setLength(sql.length() - 2);
    sql.append(" SELECT 1");
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < arrays.size(); i++) {
        statement.setArray(i + 1, connection.createArrayOf(arrayTypes.get(i), arrays.get(i)));
      }
      statement.execute();
    }
  }

  /**
   * Replaces the rows of the writes whose version is still current, locking those rows against a concurrent write
   * of the same resources; returns how many.
   */
  int reindex(Connection connection, List<Write> writes) throws SQLException {
    Object[] typeKeys = new Object[writes.size()];
    Object[] ids = new Object[writes.size()];
    Object[] versions = new Object[writes.size()];
    for (int i = 0; i < writes.size(); i++) {
      typeKeys[i] = types.key(writes.get(i).type());
      ids[i] = writes.get(i).id();
      versions[i] = writes.get(i).version();
    }
    String sql = """
        SELECT r.rid, r.type, r.id FROM resource r
          JOIN unnest(?::smallint[], ?::text[], ?::int[]) AS w(type, id, version)
            ON r.type = w.type AND r.id = w.id AND r.version = w.version
         WHERE NOT r.deleted
           FOR UPDATE OF r""";
    Map<String, Long> rids = new java.util.HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("int2", typeKeys));
      statement.setArray(2, connection.createArrayOf("text", ids));
      statement.setArray(3, connection.createArrayOf("int4", versions));
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          rids.put(rows.getShort(2) + "/" + rows.getString(3), rows.getLong(1));
        }
      }
    }
    List<Write> current = new ArrayList<>();
    for (Write write : writes) {
      if (rids.containsKey(types.key(write.type()) + "/" + write.id())) {
        current.add(write);
      }
    }
    write(connection, current, rids, rids.values());
    return current.size();
  }
}
