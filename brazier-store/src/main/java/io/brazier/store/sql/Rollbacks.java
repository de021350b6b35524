package io.brazier.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** Rolling back after a failure without losing the failure. */
final class Rollbacks {
  private Rollbacks() {}

  /**
   * Rolls back the transaction {@code failure} ended. When the rollback fails too (the connection broke: the
   * database stopped, say), {@code failure} stays what the caller throws, with the rollback's failure suppressed
   * in it, so that what went wrong first (an SQLSTATE 08 or 57P that makes a 503) is what the client is told.
   */
  static void rollBack(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException rollback) {
      failure.addSuppressed(rollback);
    }
  }
}
