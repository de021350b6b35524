package io.brazier.sync.target;

import io.brazier.sync.map.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The changes a target reports (Dataverse's change tracking) as pending changes for write-back: a row with sync on
 * and active is a change with no row before it (write-back finds what changed against the version the row was
 * synced from, so the agent's own writes, which the target reports too, change nothing); a deletion is the row's last
 * values reported with sync on, deleted. Rows with sync off, and the rows the agent deactivated for FHIR's deletions,
 * are not the target's changes.
 */
final class TrackedRows {
  private TrackedRows() {}

  static void record(Connection connection, RowStore.Reported reported) throws SQLException {
    if (reported.row() == null) {
      String last = forget(connection, reported);
      if (last != null) {
        insert(connection, reported, "DELETE", last, null);
      }
      return;
    }
    if (!reported.row().path(Table.SYNC_ENABLED).asBoolean(false) || reported.row().path(Table.STATE).asInt(0) != 0) {
      forget(connection, reported);
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO sync_tracked_row (tbl, row_key,"
        + " row_values) VALUES (?, ?, ?::jsonb) ON CONFLICT (tbl, row_key) DO UPDATE SET row_values ="
        + " excluded.row_values")) {
      statement.setString(1, reported.table());
      statement.setObject(2, reported.key());
      statement.setString(3, reported.row().toString());
      statement.executeUpdate();
    }
    insert(connection, reported, reported.row().hasNonNull(Table.FHIR_ID) ? "UPDATE" : "INSERT", null,
        reported.row().toString());
  }

  /** Forgets the row's last values, answering them (null: none kept). */
  private static String forget(Connection connection, RowStore.Reported reported) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("DELETE FROM sync_tracked_row WHERE tbl = ? AND"
        + " row_key = ? RETURNING row_values")) {
      statement.setString(1, reported.table());
      statement.setObject(2, reported.key());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  private static void insert(Connection connection, RowStore.Reported reported, String op, String before,
      String after) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO sync_row_change (tbl, row_key, op,"
        + " old_row, new_row) VALUES (?, ?, ?, ?::jsonb, ?::jsonb)")) {
      statement.setString(1, reported.table());
      statement.setObject(2, reported.key());
      statement.setString(3, op);
      statement.setString(4, before);
      statement.setString(5, after);
      statement.executeUpdate();
    }
  }

  /** Where each table's changes are read from next. */
  static Map<String, String> positions(Connection connection) throws SQLException {
    Map<String, String> positions = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement("SELECT tbl, position FROM sync_track_position");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        positions.put(rows.getString(1), rows.getString(2));
      }
    }
    return positions;
  }

  static void save(Connection connection, Map<String, String> positions) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO sync_track_position (tbl, position)"
        + " VALUES (?, ?) ON CONFLICT (tbl) DO UPDATE SET position = excluded.position, at = now()")) {
      for (Map.Entry<String, String> position : positions.entrySet()) {
        statement.setString(1, position.getKey());
        statement.setString(2, position.getValue());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }
}
