package io.brazier.sync.target;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The version guard: which of a batch's resources are newer than what the target has, recorded as they are found.
 * One statement over arrays, in (type, id) order, so that concurrent batches lock the versions they share in the same
 * order and never wait on each other in a circle; each row lock is then held until commit, so two transactions never
 * write the same resource's rows at once.
 */
final class Versions {
  /**
   * A version of -1 is a deletion whose version the source did not give: it applies unless the resource is deleted
   * already, and keeps the version the target has, so that any later version still applies after it.
   */
  private static final String CLAIM = """
      INSERT INTO sync_version AS v (type, id, version, deleted, partition)
      SELECT t, i, coalesce(n, -1), d, p FROM unnest(?::text[], ?::text[], ?::int[], ?::bool[], ?::text[])
        AS u(t, i, n, d, p) ORDER BY t, i
      ON CONFLICT (type, id) DO UPDATE SET
        version = CASE WHEN excluded.version < 0 THEN v.version ELSE excluded.version END,
        deleted = excluded.deleted, partition = excluded.partition, synced_at = now()
      WHERE CASE WHEN excluded.version < 0 THEN NOT v.deleted
        ELSE v.version < excluded.version %s END
      RETURNING type, id""";
  private static final String SAME_STATE_AGAIN = "OR (v.version = excluded.version AND v.deleted = excluded.deleted)";

  private Versions() {}

  /**
   * Records the versions of {@code items} that are newer than the target's (or, when {@code replay}, the same
   * version and state again) and answers their references ({@code Type/id}); the others are to be skipped.
   */
  static Set<String> claim(Connection connection, List<Item> items, boolean replay) throws SQLException {
    int size = items.size();
    String[] types = new String[size];
    String[] ids = new String[size];
    Integer[] versions = new Integer[size];
    Boolean[] deleted = new Boolean[size];
    String[] partitions = new String[size];
    for (int i = 0; i < size; i++) {
      Item item = items.get(i);
      types[i] = item.type();
      ids[i] = item.id();
      versions[i] = item.version();
      deleted[i] = item.deleted();
      partitions[i] = item.partition();
    }
    Set<String> claimed = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(
        CLAIM.formatted(replay ? SAME_STATE_AGAIN : ""))) {
      statement.setArray(1, array(connection, "text", types));
      statement.setArray(2, array(connection, "text", ids));
      statement.setArray(3, array(connection, "integer", versions));
      statement.setArray(4, array(connection, "boolean", deleted));
      statement.setArray(5, array(connection, "text", partitions));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          claimed.add(rows.getString(1) + "/" + rows.getString(2));
        }
      }
    }
    return claimed;
  }

  /** The partitions the target recorded for these resources ({@code Type/id}), for changes that carry none. */
  static java.util.Map<String, String> partitions(Connection connection, List<String> references)
      throws SQLException {
    String[] types = new String[references.size()];
    String[] ids = new String[references.size()];
    for (int i = 0; i < references.size(); i++) {
      int slash = references.get(i).indexOf('/');
      types[i] = references.get(i).substring(0, slash);
      ids[i] = references.get(i).substring(slash + 1);
    }
    java.util.Map<String, String> partitions = new java.util.HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement("SELECT v.type, v.id, v.partition FROM"
        + " sync_version v JOIN unnest(?::text[], ?::text[]) AS u(t, i) ON v.type = u.t AND v.id = u.i")) {
      statement.setArray(1, array(connection, "text", types));
      statement.setArray(2, array(connection, "text", ids));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (rows.getString(3) != null) {
            partitions.put(rows.getString(1) + "/" + rows.getString(2), rows.getString(3));
          }
        }
      }
    }
    return partitions;
  }

  static Array array(Connection connection, String type, Object[] values) throws SQLException {
    return connection.createArrayOf(type, values);
  }
}
