package io.brazier.sync.target;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The dead-letter table: changes given up on, until a replay applies them. */
final class DeadLetters {
  private static final String COLUMNS = "id, source, seq, type, res_id, version, action, partition, attempts, error,"
      + " failed_at";

  private DeadLetters() {}

  static void add(Connection connection, List<DeadLetter> letters) throws SQLException {
    if (letters.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO sync_dead_letter (source, seq, type,"
        + " res_id, version, action, partition, attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (DeadLetter letter : letters) {
        statement.setString(1, letter.source());
        statement.setLong(2, letter.sequence());
        statement.setString(3, letter.type());
        statement.setString(4, letter.resourceId());
        statement.setObject(5, letter.version(), java.sql.Types.INTEGER);
        statement.setString(6, letter.action());
        statement.setString(7, letter.partition());
        statement.setInt(8, letter.attempts());
        statement.setString(9, letter.error());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Deletes the dead letters a replay applied, in its transaction. */
  static void resolve(Connection connection, List<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement("DELETE FROM sync_dead_letter WHERE id = ANY(?)")) {
      statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
      statement.executeUpdate();
    }
  }

  /** A replay failed again: one more attempt, and the latest error. */
  static void failedAgain(Connection connection, long id, String error) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_dead_letter SET attempts ="
        + " attempts + 1, error = ?, failed_at = now() WHERE id = ?")) {
      statement.setString(1, error);
      statement.setLong(2, id);
      statement.executeUpdate();
    }
  }

  /** Dead letters in the order their changes came ({@code seq}), from {@code id} when given, at most {@code limit}. */
  static List<DeadLetter> list(Connection connection, Long id, int limit) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM sync_dead_letter"
        + (id == null ? "" : " WHERE id = ?") + " ORDER BY seq, id LIMIT ?")) {
      int index = 1;
      if (id != null) {
        statement.setLong(index++, id);
      }
      statement.setInt(index, limit);
      List<DeadLetter> letters = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          letters.add(new DeadLetter(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getString(4),
              rows.getString(5), (Integer) rows.getObject(6), rows.getString(7), rows.getString(8), rows.getInt(9),
              rows.getString(10), rows.getTimestamp(11).toInstant()));
        }
      }
      return letters;
    }
  }

  static long count(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM sync_dead_letter");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
