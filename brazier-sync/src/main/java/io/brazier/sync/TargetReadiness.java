package io.brazier.sync;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether the agent's target database can be used now: readied once, when it is first reached (the bookkeeping
 * migrated, the maps' tables made), and why it cannot be while it cannot (unreachable, or refusing the maps' tables),
 * which the status and {@code /healthz} say, and which fails the routes that read the target at once.
 */
final class TargetReadiness {
  /** What readies the target; it throws while the target cannot be used. */
  @FunctionalInterface
  interface Preparation {
    void run() throws SQLException;
  }

  private final Preparation preparation;
  /** Whether the preparation has run: once the target has been reached. */
  private volatile boolean prepared;
  /** Why the target cannot be used now; null while it can. */
  private volatile String error;

  TargetReadiness(Preparation preparation) {
    this.preparation = preparation;
  }

  /** Readies the target, once. */
  void prepare() throws SQLException {
    if (!prepared) {
      preparation.run();
      prepared = true;
    }
  }

  /** The target was used: whatever kept it from being used is over. */
  void usable() {
    error = null;
  }

  /** The target could not be used, for {@code failure}; returns why, as the status says it. */
  String unusable(Throwable failure) {
    error = Failures.describe(failure);
    return error;
  }

  /** Why the target cannot be used now; null while it can. */
  String error() {
    return error;
  }

  /** Fails at once while the target cannot be used, rather than after the pool's wait for a connection. */
  void require() throws SQLException {
    String why = error;
    if (why != null || !prepared) {
      throw new SQLTransientConnectionException("The sync target cannot be used now: "
          + (why != null ? why : "it has not been reached yet"));
    }
  }
}
