package io.brazier.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** The database failed in a way the request cannot fix: it becomes a 500 (or 503) with an incident id. */
public final class StoreFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreFailure(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
  }

  /**
   * Whether the database could not be reached or went away: no connection within the pool's timeout, a broken
   * connection (SQLSTATE class 08) or a server shutting down (57P01-57P03). Retrying later may succeed.
   */
  public boolean isUnavailable() {
    if (getCause() instanceof SQLTransientConnectionException) {
      return true;
    }
    String state = getCause() instanceof SQLException sql ? sql.getSQLState() : null;
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }

  /** PostgreSQL's SQLSTATE 57014: the statement ran past statement_timeout. */
  public boolean isTimeout() {
    return getCause() instanceof SQLException sql && "57014".equals(sql.getSQLState());
  }
}
