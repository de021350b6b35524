package io.brazier.store.sql;

import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The two-byte keys that stand for resource type names in every table. A node registers its own types at start;
 * a key another node registered since (a node with more types) is read through on a miss, so that this node can name
 * the rows of that type it meets, in the change feed and history.
 */
final class TypeKeys {
  private final DataSource dataSource;
  private final Map<String, Short> keys = new ConcurrentHashMap<>();
  private final Map<Short, String> names = new ConcurrentHashMap<>();

  /** Loads the stored keys and gives a new one to each type not stored yet (keys of stored types never change). */
  TypeKeys(DataSource dataSource, Collection<String> types) {
    this.dataSource = dataSource;
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      // A concurrent starting node may add the same names: the lock makes the registration one at a time.
      connection.setAutoCommit(false);
      statement.execute("LOCK TABLE resource_type IN EXCLUSIVE MODE");
      load(statement);
      short next = (short) (names.keySet().stream().mapToInt(Short::intValue).max().orElse(0) + 1);
      try (var insert = connection.prepareStatement("INSERT INTO resource_type (id, name) VALUES (?, ?)")) {
        for (String type : types) {
          if (!keys.containsKey(type)) {
            insert.setShort(1, next);
            insert.setString(2, type);
            insert.addBatch();
            remember(type, next++);
          }
        }
        insert.executeBatch();
      }
      connection.commit();
    } catch (SQLException e) {
      throw new StoreFailure("Could not register the resource types", e);
    }
  }

  private void load(Statement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT id, name FROM resource_type")) {
      while (rows.next()) {
        remember(rows.getString(2), rows.getShort(1));
      }
    }
  }

  private void remember(String name, short key) {
    keys.put(name, key);
    names.put(key, name);
  }

  short key(String type) {
    Short key = keys.get(type);
    if (key == null) {
      throw new IllegalArgumentException("Unknown resource type " + type);
    }
    return key;
  }

  /** The name of a stored key; null for a key no node ever registered. */
  String name(short key) {
    String name = names.get(key);
    if (name == null) {
      reload();
      name = names.get(key);
    }
    return name;
  }

  private void reload() {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      load(statement);
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the resource types", e);
    }
  }
}
