package io.brazier.sync.target;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.List;

/**
 * The sync log, as the original agent's "Sync Agent Logs": one row per change handled (written, skipped as older
 * than the target's, dead-lettered), with the resource read and the rows written when bodies are logged. Bodies
 * hold patient data: they are for debugging, not for production.
 */
final class SyncLog {
  private SyncLog() {}

  /** One row of the log. */
  record Entry(String source, long sequence, String type, String id, Integer version, String action, String outcome,
      String message, String request, String response) {}

  static void add(Connection connection, List<Entry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO sync_log (source, seq, type, res_id,"
        + " version, action, outcome, message, request, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
      for (Entry entry : entries) {
        statement.setString(1, entry.source());
        statement.setLong(2, entry.sequence());
        statement.setString(3, entry.type());
        statement.setString(4, entry.id());
        statement.setObject(5, entry.version(), Types.INTEGER);
        statement.setString(6, entry.action());
        statement.setString(7, entry.outcome());
        statement.setString(8, entry.message());
        statement.setString(9, entry.request());
        statement.setString(10, entry.response());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Deletes what is older than {@code age}. */
  static int purge(TargetDatabase database, Duration age) throws SQLException {
    return database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          "DELETE FROM sync_log WHERE at < now() - ? * interval '1 second'")) {
        statement.setLong(1, age.toSeconds());
        return statement.executeUpdate();
      }
    });
  }
}
