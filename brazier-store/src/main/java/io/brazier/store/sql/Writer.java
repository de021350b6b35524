package io.brazier.store.sql;

import io.brazier.store.Change.Action;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a batch of versions inside the caller's transaction. Each kind of row is written by one statement over
 * arrays ({@code unnest}), so a batch of any size costs a handful of round trips.
 */
final class Writer {
  // Concurrent batches take their keys and row locks in one order, (type, id), so that they cannot deadlock.
  private static final String INSERT_NEW = """
      INSERT INTO resource (type, id, version, last_updated, deleted, body, created_by_put)
      SELECT * FROM unnest(?::smallint[], ?::text[], ?::int[], ?::timestamptz[], ?::boolean[], ?::bytea[],
                           ?::boolean[])
       ORDER BY 1, 2
      ON CONFLICT (type, id) DO NOTHING
      RETURNING rid, type, id, false""";

  // Locks the expected current versions, moves them to history and replaces them; a row whose version moved on
  // meanwhile is not selected, and the caller sees fewer rows than it asked for. Each row says whether the version
  // it replaced was a deletion.
  private static final String REPLACE = """
      WITH w AS (
        SELECT * FROM unnest(?::smallint[], ?::text[], ?::int[], ?::timestamptz[], ?::boolean[], ?::bytea[],
                             ?::boolean[])
          AS w(type, id, version, last_updated, deleted, body, patched)
      ), old AS (
        SELECT r.rid, r.type, r.version, r.last_updated, r.deleted, r.body, r.patched, w.id,
               w.version AS new_version, w.last_updated AS new_last_updated, w.deleted AS new_deleted,
               w.body AS new_body, w.patched AS new_patched
          FROM resource r JOIN w ON r.type = w.type AND r.id = w.id AND r.version = w.version - 1
         ORDER BY r.type, r.id
           FOR UPDATE OF r
      ), moved AS (
        INSERT INTO resource_history (rid, version, type, last_updated, replaced_at, deleted, body, patched)
        SELECT rid, version, type, last_updated, new_last_updated, deleted, body, patched FROM old
      ), replaced AS (
        UPDATE resource r SET version = old.new_version, last_updated = old.new_last_updated,
                              deleted = old.new_deleted, body = old.new_body, patched = old.new_patched
          FROM old WHERE r.rid = old.rid
        RETURNING r.rid
      )
      SELECT old.rid, old.type, old.id, old.deleted FROM old""";

  private static final String INSERT_CHANGES = """
      INSERT INTO change (type, res_id, version, action, at, source, created_by_put, out_of_order)
      SELECT * FROM unnest(?::smallint[], ?::text[], ?::int[], ?::char[], ?::timestamptz[], ?::text[],
                           ?::boolean[], ?::boolean[])""";

  private final TypeKeys types;
  private final IndexWriter indexes;

  Writer(TypeKeys types, IndexWriter indexes) {
    this.types = types;
    this.indexes = indexes;
  }

  void write(Connection connection, List<Write> writes) throws SQLException {
    List<Write> created = new ArrayList<>();
    List<Write> replaced = new ArrayList<>();
    for (Write write : writes) {
      (write.version() == 1 ? created : replaced).add(write);
    }
    Written creating = writeVersions(connection, true, created);
    Written replacing = writeVersions(connection, false, replaced);
    Map<String, Long> rids = new HashMap<>(creating.rids());
    rids.putAll(replacing.rids());
    indexes.write(connection, writes, rids, replacing.rids().values());
    writeChanges(connection, writes, replacing.overDeletions());
  }

  /** The versions written: the rid of each, by type key and id, and the keys of those that replaced a deletion. */
  private record Written(Map<String, Long> rids, Set<String> overDeletions) {}

  /** Writes versions: new resources when {@code create}, else versions that replace the current ones. */
  private Written writeVersions(Connection connection, boolean create, List<Write> writes) throws SQLException {
    Written written = new Written(new HashMap<>(), new HashSet<>());
    if (writes.isEmpty()) {
      return written;
    }
    int n = writes.size();
    Short[] typeKeys = new Short[n];
    String[] ids = new String[n];
    Integer[] versions = new Integer[n];
    Timestamp[] updated = new Timestamp[n];
    Boolean[] deleted = new Boolean[n];
    byte[][] bodies = new byte[n][];
    Boolean[] byPut = new Boolean[n];
    Boolean[] patched = new Boolean[n];
    for (int i = 0; i < n; i++) {
      Write write = writes.get(i);
      typeKeys[i] = types.key(write.type());
      ids[i] = write.id();
      versions[i] = write.version();
      updated[i] = Timestamp.from(write.lastUpdated());
      deleted[i] = write.deleted();
      bodies[i] = write.json();
      byPut[i] = write.createdByPut();
      patched[i] = write.patched();
    }
    try (PreparedStatement statement = connection.prepareStatement(create ? INSERT_NEW : REPLACE)) {
      statement.setArray(1, connection.createArrayOf("int2", typeKeys));
      statement.setArray(2, connection.createArrayOf("text", ids));
      statement.setArray(3, connection.createArrayOf("int4", versions));
      statement.setArray(4, connection.createArrayOf("timestamptz", updated));
      statement.setArray(5, connection.createArrayOf("bool", deleted));
      statement.setObject(6, bodies);
      // A first version says whether PUT created it; a later one whether PATCH wrote it.
      statement.setArray(7, connection.createArrayOf("bool", create ? byPut : patched));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String key = rows.getShort(2) + "/" + rows.getString(3);
          written.rids().put(key, rows.getLong(1));
          if (rows.getBoolean(4)) {
            written.overDeletions().add(key);
          }
        }
      }
    }
    if (written.rids().size() < n) {
      for (Write write : writes) {
        if (!written.rids().containsKey(key(write))) {
          throw new VersionConflictException(write.type(), write.id());
        }
      }
    }
    return written;
  }

  private String key(Write write) {
    return types.key(write.type()) + "/" + write.id();
  }

  /** Appends the writes' changes; {@code overDeletions} the keys of those that replaced a deletion. */
  private void writeChanges(Connection connection, List<Write> writes, Set<String> overDeletions)
      throws SQLException {
    int n = writes.size();
    Short[] typeKeys = new Short[n];
    String[] ids = new String[n];
    Integer[] versions = new Integer[n];
    String[] actions = new String[n];
    Timestamp[] at = new Timestamp[n];
    String[] sources = new String[n];
    Boolean[] byPut = new Boolean[n];
    Boolean[] outOfOrder = new Boolean[n];
    for (int i = 0; i < n; i++) {
      Write write = writes.get(i);
      // A version written over a deletion creates its resource again (R4 answers the update 201 Created), and only
      // PUT [type]/[id] can, as history tells it.
      boolean recreates = !write.deleted() && overDeletions.contains(key(write));
      Action action = recreates ? Action.CREATE : Action.of(write.version(), write.deleted());
      typeKeys[i] = types.key(write.type());
      ids[i] = write.id();
      versions[i] = write.version();
      actions[i] = String.valueOf(action.code());
      at[i] = Timestamp.from(write.lastUpdated());
      sources[i] = write.source();
      byPut[i] = recreates || action == Action.CREATE && write.createdByPut();
      outOfOrder[i] = false; // a write is the next version over the current one
    }
    writeChanges(connection, typeKeys, ids, versions, actions, at, sources, byPut, outOfOrder);
  }

  /**
   * Appends change rows (unnumbered: the sequencer numbers them once committed), one per element of the arrays;
   * {@code createdByPut} says of each creation that it came by PUT [type]/[id] (false for any other change),
   * {@code outOfOrder} of each version that an import wrote below a stored one or over a gap.
   */
  static void writeChanges(Connection connection, Short[] typeKeys, String[] ids, Integer[] versions,
      String[] actions, Timestamp[] at, String[] sources, Boolean[] createdByPut, Boolean[] outOfOrder)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(INSERT_CHANGES)) {
      statement.setArray(1, connection.createArrayOf("int2", typeKeys));
      statement.setArray(2, connection.createArrayOf("text", ids));
      statement.setArray(3, connection.createArrayOf("int4", versions));
      statement.setArray(4, connection.createArrayOf("bpchar", actions));
      statement.setArray(5, connection.createArrayOf("timestamptz", at));
      statement.setArray(6, connection.createArrayOf("text", sources));
      statement.setArray(7, connection.createArrayOf("bool", createdByPut));
      statement.setArray(8, connection.createArrayOf("bool", outOfOrder));
      statement.executeUpdate();
    }
  }
}
