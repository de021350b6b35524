package io.brazier.store.sql;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.fhir.search.SearchIndex.Qualifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Index values as the rows of the index tables, column by column, per table: what a write inserts, and what a scan
 * as of a sequence stands in for the tables with when it searches versions that have no rows (see
 * {@link PastCriteria}). Either way the rows come out of {@link Table#select}, so they have the tables' column
 * types and collations.
 */
final class IndexRows {
  private final Table strings = new Table("search_string", "param,rid,value,exact,qsystem,qcode",
      "int4,int8,text,text,text,text", "param, rid, value COLLATE \"C\" AS value, exact, qsystem, qcode");
  private final Table tokens = new Table("search_token", "param,rid,system,code,qsystem,qcode",
      "int4,int8,text,text,text,text", "*");
  private final Table dates = new Table("search_date", "param,rid,lo,hi,qsystem,qcode",
      "int4,int8,int8,int8,text,text", "*");
  private final Table numbers = new Table("search_number", "param,rid,value,value2,qsystem,qcode",
      "int4,int8,numeric,numeric,text,text", "*");
  private final Table quantities = new Table("search_quantity",
      "param,rid,value,system,code,cvalue,cunit,qsystem,qcode", "int4,int8,numeric,text,text,numeric,text,text,text",
      "*");
  private final Table references = new Table("search_reference", "param,rid,ttype,tid,url,version",
      "int4,int8,int2,text,text,text", "*");
  private final Table uris = new Table("search_uri", "param,rid,value", "int4,int8,text",
      "param, rid, value COLLATE \"C\" AS value");
  // Words travel as one space-separated text per row (they hold no spaces) and become a tsvector in the database.
  private final Table texts = new Table("search_text", "param,rid,words", "int4,int8,text",
      "param, rid, array_to_tsvector(string_to_array(words, ' ')) AS words", IndexRows::lexemes);
  private final Table positions = new Table("search_position", "param,rid,latitude,longitude",
      "int4,int8,float8,float8", "*");

  private final TypeKeys types;
  private final BiFunction<String, String, Integer> params;

  /**
   * {@code params} gives the key of a type's parameter code; an entry whose parameter has no key (null) is left out,
   * as no search names a parameter that has no key.
   */
  IndexRows(TypeKeys types, BiFunction<String, String, Integer> params) {
    this.types = types;
    this.params = params;
  }

  /** The columns of an index table, comma-separated, in the order its rows are written. */
  static String columns(String table) {
    return new IndexRows(null, null).tables().stream().filter(t -> t.name().equals(table)).findFirst()
        .map(t -> String.join(",", t.columns))
        .orElseThrow(() -> new IllegalArgumentException("No index table " + table));
  }

  List<Table> tables() {
    return List.of(strings, tokens, dates, numbers, quantities, references, uris, texts, positions);
  }

  void add(String type, long rid, SearchIndex index) {
    for (var e : index.strings()) {
      add(strings, type, e.param(), rid, e.normalized(), e.exact(), qsystem(e.qualifier()), qcode(e.qualifier()));
    }
    for (var e : index.tokens()) {
      add(tokens, type, e.param(), rid, e.system(), e.code(), qsystem(e.qualifier()), qcode(e.qualifier()));
    }
    for (var e : index.dates()) {
      add(dates, type, e.param(), rid, e.lo(), e.hi(), qsystem(e.qualifier()), qcode(e.qualifier()));
    }
    for (var e : index.numbers()) {
      add(numbers, type, e.param(), rid, e.value(), e.value2(), qsystem(e.qualifier()), qcode(e.qualifier()));
    }
    for (var e : index.quantities()) {
      add(quantities, type, e.param(), rid, e.value(), e.system(), e.code(), e.canonicalValue(), e.canonicalUnit(),
          qsystem(e.qualifier()), qcode(e.qualifier()));
    }
    for (var e : index.references()) {
      add(references, type, e.param(), rid, e.targetType() == null ? null : types.key(e.targetType()), e.targetId(),
          e.url(), e.version());
    }
    for (var e : index.uris()) {
      add(uris, type, e.param(), rid, e.uri());
    }
    for (var e : index.texts()) {
      add(texts, type, e.param(), rid, String.join(" ", e.words()));
    }
    for (var e : index.positions()) {
      add(positions, type, e.param(), rid, e.latitude(), e.longitude());
    }
  }

  /** A row of {@code table}: the parameter's key, then {@code values}. */
  private void add(Table table, String type, String code, Object... values) {
    Integer key = params.apply(type, code);
    if (key != null) {
      table.add(key, values);
    }
  }

  /** A qualifier's code column is never null for a composite row, which is how the partial indexes tell them. */
  private static String qcode(Qualifier qualifier) {
    return qualifier == null ? null : qualifier.code() == null ? "" : qualifier.code();
  }

  private static String qsystem(Qualifier qualifier) {
    return qualifier == null ? null : qualifier.system();
  }

  /**
   * Space-separated words as the text input of the tsvector that {@code array_to_tsvector} makes of them: each word
   * a quoted lexeme (words are letters and digits, but a quote or backslash would be escaped all the same).
   */
  static String lexemes(String words) {
    // One pass over the characters: a resource's _content runs to hundreds of words, on every import line.
    StringBuilder lexemes = new StringBuilder(words.length() + 16);
    int i = 0;
    while (i < words.length()) {
      if (words.charAt(i) == ' ') {
        i++;
        continue;
      }
      lexemes.append(lexemes.isEmpty() ? "'" : " '");
      for (; i < words.length() && words.charAt(i) != ' '; i++) {
        char c = words.charAt(i);
        if (c == '\\' || c == '\'') {
          lexemes.append(c);
        }
        lexemes.append(c);
      }
      lexemes.append('\'');
    }
    return lexemes.toString();
  }

  /**
   * One table's pending rows as column arrays: the SELECT that unnests them into rows of the table, or the same rows
   * for COPY.
   */
  static final class Table {
    private final String name;
    private final String[] columns;
    private final String[] arrayTypes;
    private final String selectList;
    /** The last column's value as the table's own type takes it as text, where the select list converts it. */
    private final UnaryOperator<String> lastAsText;
    private final List<List<Object>> values = new ArrayList<>();

    Table(String name, String columns, String arrayTypes, String selectList) {
      this(name, columns, arrayTypes, selectList, null);
    }

    Table(String name, String columns, String arrayTypes, String selectList, UnaryOperator<String> lastAsText) {
      this.name = name;
      this.columns = columns.split(",");
      this.arrayTypes = arrayTypes.split(",");
      this.selectList = selectList;
      this.lastAsText = lastAsText;
      for (int i = 0; i < this.columns.length; i++) {
        values.add(new ArrayList<>());
      }
    }

    void add(int param, Object... row) {
      values.get(0).add(param);
      for (int i = 0; i < row.length; i++) {
        values.get(i + 1).add(row[i]);
      }
    }

    String name() {
      return name;
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

    /** The rows, one array parameter per column (bound in column order). */
    String select() {
      StringBuilder unnest = new StringBuilder();
      for (int i = 0; i < columns.length; i++) {
        unnest.append(i == 0 ? "" : ", ").append("?::").append(arrayTypes[i]).append("[]");
      }
      return "SELECT " + selectList + " FROM unnest(" + unnest + ") AS t(" + String.join(", ", columns) + ")";
    }

    /** The rows as COPY rows into the table named {@code prefix} + this table's name. */
    CopyRows copy(String prefix) {
      CopyRows copy = new CopyRows(prefix + name, String.join(",", columns));
      int last = columns.length - 1;
      for (int row = 0; row < values.get(0).size(); row++) {
        for (int column = 0; column < last; column++) {
          copy.value(values.get(column).get(row));
        }
        Object value = values.get(last).get(row);
        copy.value(lastAsText == null || value == null ? value : lastAsText.apply((String) value)).end();
      }
      return copy;
    }

    /** The INSERT of the rows into this table, or into the one named {@code prefix} + this table's name. */
    String insert(String prefix) {
      return "INSERT INTO " + prefix + name + " (" + String.join(", ", columns) + ") " + select();
    }
  }
}
