package io.brazier.store.search;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text and the values bound to its placeholders, built together so that every value a client sent travels as a
 * parameter and never as SQL. Arrays are bound as {@code Object[]} with their PostgreSQL element type.
 */
public final class Sql {
  private final StringBuilder text = new StringBuilder();
  private final List<Object> args = new ArrayList<>();
  private int aliases;

  /** A value bound as a PostgreSQL array of {@code elementType}. */
  public record Array(String elementType, Object[] values) {}

  public Sql append(String sql) {
    text.append(sql);
    return this;
  }

  /** Appends {@code sql}, whose one {@code ?} takes {@code arg}. */
  public Sql append(String sql, Object arg) {
    text.append(sql);
    args.add(arg);
    return this;
  }

  public Sql arg(Object arg) {
    args.add(arg);
    return this;
  }

  public Sql array(String sql, String elementType, Object[] values) {
    return append(sql, new Array(elementType, values));
  }

  /** A fresh table alias, unique in this statement. */
  String alias(String prefix) {
    return prefix + aliases++;
  }

  public String text() {
    return text.toString();
  }

  public List<Object> args() {
    return args;
  }
}
