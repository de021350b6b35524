package io.brazier.store;

/** A search the database estimates would cost more than a request may: refused before it runs. */
public final class QueryTooCostly extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QueryTooCostly(String message) {
    super(message, null, false, false);
  }
}
