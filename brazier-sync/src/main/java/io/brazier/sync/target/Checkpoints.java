package io.brazier.sync.target;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where the workers are in a source's feed. Each worker records, with the rows it writes, the position up to which
 * every change given to it is applied; the agent resumes from the smallest, so a change is never skipped, and the
 * ones after it that were applied already are applied again to no effect (the version guard skips them).
 */
final class Checkpoints {
  private Checkpoints() {}

  /** Moves a worker's position forward (never back), in the transaction of the rows up to it. */
  static void record(Connection connection, Batch.Checkpoint checkpoint) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO sync_checkpoint AS c (source, worker,"
        + " seq) VALUES (?, ?, ?) ON CONFLICT (source, worker) DO UPDATE SET seq = excluded.seq, updated = now()"
        + " WHERE c.seq < excluded.seq")) {
      statement.setString(1, checkpoint.source());
      statement.setInt(2, checkpoint.worker());
      statement.setLong(3, checkpoint.sequence());
      statement.executeUpdate();
    }
  }

  /**
   * The position every worker has reached (0 when none has started), set as the position of {@code workers}
   * workers: the number of workers may have changed since, and with it which changes each one gets.
   */
  static long resume(TargetDatabase database, String source, int workers) throws SQLException {
    return database.transaction(connection -> {
      long position;
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT coalesce(min(seq), 0) FROM sync_checkpoint WHERE source = ?")) {
        statement.setString(1, source);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          position = rows.getLong(1);
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(
          "DELETE FROM sync_checkpoint WHERE source = ?")) {
        statement.setString(1, source);
        statement.executeUpdate();
      }
      for (int worker = 0; worker < workers; worker++) {
        record(connection, new Batch.Checkpoint(source, worker, position));
      }
      return position;
    });
  }

  /** Every worker's position set to {@code position}: the feed restarts there (after a back-fill of everything). */
  static void restart(TargetDatabase database, String source, long position) throws SQLException {
    database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          "UPDATE sync_checkpoint SET seq = ?, updated = now() WHERE source = ?")) {
        statement.setLong(1, position);
        statement.setString(2, source);
        return statement.executeUpdate();
      }
    });
  }
}
