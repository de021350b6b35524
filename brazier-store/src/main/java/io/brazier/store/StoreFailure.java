package io.brazier.store;

import java.sql.SQLException;

/** The database failed in a way the request cannot fix: it becomes a 500 (or 503) with an incident id. */
public final class StoreFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreFailure(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
  }

  /** PostgreSQL's SQLSTATE 57014: the statement ran past statement_timeout. */
  public boolean isTimeout() {
    return getCause() instanceof SQLException sql && "57014".equals(sql.getSQLState());
  }
}
