package io.brazier.sync.target;

import io.brazier.sync.map.AttributeMap;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Moves a row the target inserted to the key the agent computes for the resource it became, so that the feed's later
 * versions of that resource, and every lookup of it, find that row: the agent's rows are keyed by their resource's
 * type and id, never looked up. The child rows and the lookups that held the old key are moved with it: lookups only
 * in the tables of maps that write back, as only the target's own rows can hold a key FHIR never had.
 */
final class RowKeys {
  private RowKeys() {}

  /**
   * Moves the row of {@code map} from {@code from} to {@code to}; when a row has {@code to} already (the feed wrote
   * the new resource first, from the very version the row made), the target's row gives way to it.
   */
  static void move(Connection connection, MapSet maps, EntityMap map, UUID from, UUID to) throws SQLException {
    if (exists(connection, map, to)) {
      update(connection, "DELETE FROM " + map.table() + " WHERE " + map.keyColumn() + " = ?", from);
    } else {
      update(connection, "UPDATE " + map.table() + " SET " + map.keyColumn() + " = ? WHERE " + map.keyColumn()
          + " = ?", to, from);
    }
    for (EntityMap other : maps.all()) {
      if (!other.enabled()) {
        continue;
      }
      if (map.name().equals(parentName(maps, other))) {
        repoint(connection, other.table(), other.parentLink(), from, to);
      }
      for (AttributeMap attribute : other.columns()) {
        if (attribute.action() == AttributeMap.Action.LOOKUP && other.writeBack()) {
          repoint(connection, other.table(), attribute.column(), from, to);
        }
      }
    }
  }

  /** The name of the map that expands into {@code child}; null for a root map. */
  private static String parentName(MapSet maps, EntityMap child) {
    if (!child.isExpansion()) {
      return null;
    }
    return maps.all().stream().filter(parent -> parent.expansions().stream().anyMatch(expansion ->
        child.name().equals(expansion.map()))).map(EntityMap::name).findFirst().orElse(null);
  }

  private static void repoint(Connection connection, String table, String column, UUID from, UUID to)
      throws SQLException {
    update(connection, "UPDATE " + table + " SET " + column + " = ? WHERE " + column + " = ?", to, from);
  }

  private static boolean exists(Connection connection, EntityMap map, UUID key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM " + map.table() + " WHERE "
        + map.keyColumn() + " = ?")) {
      statement.setObject(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static void update(Connection connection, String sql, UUID... keys) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < keys.length; i++) {
        statement.setObject(i + 1, keys[i]);
      }
      statement.executeUpdate();
    }
  }
}
