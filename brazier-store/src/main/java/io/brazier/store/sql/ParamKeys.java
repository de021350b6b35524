package io.brazier.store.sql;

import io.brazier.store.RowCodes;
import io.brazier.store.Store;
import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The integer keys of (resource type, search parameter code) that index rows carry instead of names. Keys are made
 * on first use, in their own transaction (a key that outlives a rolled-back write costs nothing), and never change.
 * This node remembers the keys it has seen; any node may make new ones, so a search that misses a key reads the
 * keys made since ({@link Lookup}). Keys are made one transaction at a time, so their ids commit in order and "the
 * keys after the highest id seen" is every key this node has not seen.
 */
final class ParamKeys {
  private static final String SINCE = "SELECT id, type, code FROM search_param WHERE id > ?";

  private final DataSource dataSource;
  private final TypeKeys types;
  /** Set by the API that indexes the writes ({@link Store#answerParameters}). */
  private volatile RowCodes rowCodes = RowCodes.OWN;
  private final Map<Key, Integer> keys = new ConcurrentHashMap<>();
  /** The highest id read, and when the last read of the new keys began (System.nanoTime): guarded by this. */
  private long newest;
  private long lastRead;

  private record Key(short type, String code) {}

  ParamKeys(DataSource dataSource, TypeKeys types) {
    this.dataSource = dataSource;
    this.types = types;
    synchronized (this) {
      read();
    }
  }

  void answerParameters(RowCodes rowCodes) {
    this.rowCodes = rowCodes;
  }

  /**
   * Keys as a search needs them: any key some node made before this call is found. A miss reads the keys made
   * since, at most once per lookup, and not at all when a read that began after this call has already done so.
   */
  Lookup lookup() {
    return new Lookup(System.nanoTime());
  }

  final class Lookup {
    private final long started;

    private Lookup(long started) {
      this.started = started;
    }

    /** The key of a parameter of a type, or null when no resource has ever been indexed with it. */
    Integer find(String type, String code) {
      Key key = new Key(types.key(type), code);
      Integer id = keys.get(key);
      if (id == null) {
        readNewKeys(started);
        id = keys.get(key);
      }
      return id;
    }

    /**
     * The keys of the rows that answer {@code code} ({@link RowCodes}) for each of {@code types} that has them; for
     * every type when types is empty (a parameter common to all types, which has rows of its own).
     */
    Integer[] find(List<String> typeNames, String code) {
      List<Integer> found = new ArrayList<>();
      if (typeNames.isEmpty()) {
        // Every type: no miss would tell that another node made a key, so read the new ones first.
        readNewKeys(started);
        keys.forEach((key, id) -> {
          if (key.code().equals(code)) {
            found.add(id);
          }
        });
      } else {
        for (String type : typeNames) {
          for (String rowCode : rowCodes.of(type, code)) {
            Integer id = find(type, rowCode);
            if (id != null) {
              found.add(id);
            }
          }
        }
      }
      return found.toArray(new Integer[0]);
    }
  }

  /** Whether this node knows the key; a writer that gets false {@link #register}s it, which is idempotent. */
  boolean known(String type, String code) {
    return keys.containsKey(new Key(types.key(type), code));
  }

  /** The key of a parameter that {@link #register} has made sure of. */
  int key(String type, String code) {
    Integer key = keys.get(new Key(types.key(type), code));
    if (key == null) {
      throw new IllegalStateException("Search parameter " + type + "." + code + " has no key");
    }
    return key;
  }

  /** Makes keys for the (type, code) pairs that have none yet, and reads them. */
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
        Statement lock = connection.createStatement();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      connection.setAutoCommit(false);
      try {
        // One maker at a time, so that ids commit in their order (see the class comment); makers are rare.
        lock.execute("LOCK TABLE search_param IN SHARE ROW EXCLUSIVE MODE");
        statement.setArray(1, connection.createArrayOf("int2", newTypes.toArray()));
        statement.setArray(2, connection.createArrayOf("text", newCodes.toArray()));
        statement.executeUpdate();
        connection.commit();
      } catch (SQLException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not register search parameters", e);
    }
    readNewKeys(System.nanoTime());
  }

  /** Reads the keys made since the highest id read, unless a read that began at or after {@code since} has. */
  private synchronized void readNewKeys(long since) {
    if (lastRead - since < 0) {
      read();
    }
  }

  private void read() {
    long began = System.nanoTime();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(SINCE)) {
      statement.setLong(1, newest);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          keys.put(new Key(rows.getShort(2), rows.getString(3)), rows.getInt(1));
          newest = Math.max(newest, rows.getInt(1));
        }
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the search parameter keys", e);
    }
    lastRead = began;
  }
}
