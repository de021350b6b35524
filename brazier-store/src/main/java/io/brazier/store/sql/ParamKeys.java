package io.brazier.store.sql;

import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The integer keys of (resource type, search parameter code) that index rows carry instead of names. Keys are made
 * on first use, in their own transaction (a key that outlives a rolled-back write costs nothing), and never change.
 */
final class ParamKeys {
  private final DataSource dataSource;
  private final TypeKeys types;
  private final Map<Key, Integer> keys = new ConcurrentHashMap<>();

  private record Key(short type, String code) {}

  ParamKeys(DataSource dataSource, TypeKeys types) {
    this.dataSource = dataSource;
    this.types = types;
    load();
  }

  /** The key of a parameter of a type, or null when no resource has ever been indexed with it. */
  Integer find(String type, String code) {
    return keys.get(new Key(types.key(type), code));
  }

  /** The keys of {@code code} for each of {@code types} that has one; for every type when types is empty. */
  Integer[] find(List<String> types, String code) {
    List<Integer> found = new ArrayList<>();
    if (types.isEmpty()) {
      keys.forEach((key, id) -> {
        if (key.code().equals(code)) {
          found.add(id);
        }
      });
    } else {
      for (String type : types) {
        Integer id = find(type, code);
        if (id != null) {
          found.add(id);
        }
      }
    }
    return found.toArray(new Integer[0]);
  }

  /** The key of a parameter that {@link #register} has made sure of. */
  int key(String type, String code) {
    Integer key = find(type, code);
    if (key == null) {
      throw new IllegalStateException("Search parameter " + type + "." + code + " has no key");
    }
    return key;
  }

  /** Makes keys for the (type, code) pairs that have none yet. */
  void register(Collection<String[]> typeCodes) {
    List<Short> newTypes = new ArrayList<>();
    List<String> newCodes = new ArrayList<>();
    for (String[] typeCode : typeCodes) {
      Key key = new Key(types.key(typeCode[0]), typeCode[1]);
      if (!keys.containsKey(key)) {
        newTypes.add(key.type());
        newCodes.add(key.code());
      }
    }
    if (newTypes.isEmpty()) {
      return;
    }
    String sql = "INSERT INTO search_param (type, code) SELECT * FROM unnest(?::smallint[], ?::text[])"
        + " ON CONFLICT (type, code) DO NOTHING";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("int2", newTypes.toArray()));
      statement.setArray(2, connection.createArrayOf("text", newCodes.toArray()));
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new StoreFailure("Could not register search parameters", e);
    }
    load();
  }

  private void load() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT id, type, code FROM search_param");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        keys.put(new Key(rows.getShort(2), rows.getString(3)), rows.getInt(1));
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not load the search parameter keys", e);
    }
  }
}
