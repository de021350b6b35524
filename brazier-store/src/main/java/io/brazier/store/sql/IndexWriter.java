package io.brazier.store.sql;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.fhir.search.SearchIndex.Qualifier;
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
import io.brazier.store.ImportLine;

/**
 * Writes the search index rows of a batch of versions inside the caller's transaction: it deletes the rows of the
 * versions replaced and inserts the new ones, all tables in one statement (data-modifying CTEs over arrays), so
 * indexing costs one round trip per batch whatever its size.
 */
final class IndexWriter {
  static final List<String> TABLES = List.of("search_string", "search_token", "search_date", "search_number",
      "search_quantity", "search_reference", "search_uri", "search_text", "search_position");
  /** The columns of each index table, in the order its rows are written. */
  private static final Map<String, String> COLUMNS = Map.of(
      "search_string", "param,rid,value,exact,qsystem,qcode",
      "search_token", "param,rid,system,code,qsystem,qcode",
      "search_date", "param,rid,lo,hi,qsystem,qcode",
      "search_number", "param,rid,value,value2,qsystem,qcode",
      "search_quantity", "param,rid,value,system,code,cvalue,cunit,qsystem,qcode",
      "search_reference", "param,rid,ttype,tid,url,version",
      "search_uri", "param,rid,value",
      "search_text", "param,rid,words",
      "search_position", "param,rid,latitude,longitude");

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
        if (params.find(type.apply(item), code) == null) {
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
    Rows rows = new Rows();
    for (Write write : writes) {
      Long rid = rids.get(types.key(write.type()) + "/" + write.id());
      if (rid != null && !write.deleted()) {
        rows.add(write.type(), rid, write.index());
      }
    }
    execute(connection, rows, "", replaced);
  }

  /**
   * Writes the index rows of imported lines into the staging tables whose names start with {@code prefix}, each row
   * under its line's number where the live tables have the rid.
   */
  void stage(Connection connection, String prefix, List<ImportLine> lines) throws SQLException {
    Rows rows = new Rows();
    for (ImportLine line : lines) {
      rows.add(line.type(), line.seq(), line.index());
    }
    execute(connection, rows, prefix, List.of());
  }

  /**
   * The statement that copies the staged rows of lines into a live index table ({@code prefix + table} to
   * {@code table}), each under the rid its line got: to bind, the arrays of line numbers and rids, then the lowest
   * and highest line number (the range that the staging table's BRIN index finds).
   */
  static String copyStaged(String prefix, String table) {
    String columns = COLUMNS.get(table);
    return "INSERT INTO " + table + " (" + columns + ") SELECT " + columns.replace("rid", "m.rid") + " FROM "
        + prefix + table + " s JOIN unnest(?::int8[], ?::int8[]) AS m(seq, rid) ON s.rid = m.seq"
        + " WHERE s.rid BETWEEN ? AND ?";
  }

  /** Deletes the rows of {@code replaced}, then inserts {@code rows} into the tables named {@code prefix + table}. */
  private void execute(Connection connection, Rows rows, String prefix, Collection<Long> replaced)
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
    for (Rows.Table table : rows.tables()) {
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

  /** The rows of a batch, column by column, per table. */
  private final class Rows {
    private final Table strings = new Table("search_string", "int4,int8,text,text,text,text", "");
    private final Table tokens = new Table("search_token", "int4,int8,text,text,text,text", "");
    private final Table dates = new Table("search_date", "int4,int8,int8,int8,text,text", "");
    private final Table numbers = new Table("search_number", "int4,int8,numeric,numeric,text,text", "");
    private final Table quantities = new Table("search_quantity", "int4,int8,numeric,text,text,numeric,text,text,text",
        "");
    private final Table references = new Table("search_reference", "int4,int8,int2,text,text,text", "");
    private final Table uris = new Table("search_uri", "int4,int8,text", "");
    // Words travel as one space-separated text per row (they hold no spaces) and become a tsvector in the database.
    private final Table texts = new Table("search_text", "int4,int8,text",
        "array_to_tsvector(string_to_array(words, ' '))");

    private final Table positions = new Table("search_position", "int4,int8,float8,float8",
        "");

    List<Table> tables() {
      return List.of(strings, tokens, dates, numbers, quantities, references, uris, texts, positions);
    }

    void add(String type, long rid, SearchIndex index) {
      for (var e : index.strings()) {
        strings.add(params.key(type, e.param()), rid, e.normalized(), e.exact(), qsystem(e.qualifier()),
            qcode(e.qualifier()));
      }
      for (var e : index.tokens()) {
        tokens.add(params.key(type, e.param()), rid, e.system(), e.code(), qsystem(e.qualifier()),
            qcode(e.qualifier()));
      }
      for (var e : index.dates()) {
        dates.add(params.key(type, e.param()), rid, e.lo(), e.hi(), qsystem(e.qualifier()), qcode(e.qualifier()));
      }
      for (var e : index.numbers()) {
        numbers.add(params.key(type, e.param()), rid, e.value(), e.value2(), qsystem(e.qualifier()),
            qcode(e.qualifier()));
      }
      for (var e : index.quantities()) {
        quantities.add(params.key(type, e.param()), rid, e.value(), e.system(), e.code(), e.canonicalValue(),
            e.canonicalUnit(), qsystem(e.qualifier()), qcode(e.qualifier()));
      }
      for (var e : index.references()) {
        references.add(params.key(type, e.param()), rid, e.targetType() == null ? null : types.key(e.targetType()),
            e.targetId(), e.url(), e.version());
      }
      for (var e : index.uris()) {
        uris.add(params.key(type, e.param()), rid, e.uri());
      }
      for (var e : index.texts()) {
        texts.add(params.key(type, e.param()), rid, String.join(" ", e.words()));
      }
      for (var e : index.positions()) {
        positions.add(params.key(type, e.param()), rid, e.latitude(), e.longitude());
      }
    }

    /** A qualifier's code column is never null for a composite row, which is how the partial indexes tell them. */
    private static String qcode(Qualifier qualifier) {
      return qualifier == null ? null : qualifier.code() == null ? "" : qualifier.code();
    }

    private static String qsystem(Qualifier qualifier) {
      return qualifier == null ? null : qualifier.system();
    }

    /** One table's pending rows as column arrays, and the INSERT that unnests them. */
    private static final class Table {
      private final String name;
      private final String[] columns;
      private final String[] arrayTypes;
      private final String lastColumnExpression;
      private final List<List<Object>> values = new ArrayList<>();

      Table(String name, String arrayTypes, String lastColumnExpression) {
        this.name = name;
        this.columns = COLUMNS.get(name).split(",");
        this.arrayTypes = arrayTypes.split(",");
        this.lastColumnExpression = lastColumnExpression;
        for (int i = 0; i < this.columns.length; i++) {
          values.add(new ArrayList<>());
        }
      }

      void add(Object... row) {
        for (int i = 0; i < row.length; i++) {
          values.get(i).add(row[i]);
        }
      }

      boolean isEmpty() {
        return values.get(0).isEmpty();
      }

      int columnCount() {
        return columns.length;
      }

      Object[] column(int index) {
        return values.get(index).toArray();
      }

      String arrayType(int index) {
        return arrayTypes[index];
      }

      String insert(String prefix) {
        StringBuilder unnest = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
          unnest.append(i == 0 ? "" : ", ").append("?::").append(arrayTypes[i]).append("[]");
        }
        String select = lastColumnExpression.isEmpty() ? "*"
            : String.join(", ", java.util.Arrays.copyOf(columns, columns.length - 1)) + ", " + lastColumnExpression;
        return "INSERT INTO " + prefix + name + " (" + String.join(", ", columns) + ") SELECT " + select + " FROM unnest("
            + unnest + ") AS t(" + String.join(", ", columns) + ")";
      }
    }
  }
}
