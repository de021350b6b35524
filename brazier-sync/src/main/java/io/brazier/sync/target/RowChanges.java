package io.brazier.sync.target;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Row;
import io.brazier.sync.map.Table;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The target's own changes to rows of maps that write back, as the trigger records them ({@code sync_row_change}),
 * and what becomes of them: written to FHIR (the version written recorded on the row and in the version guard, so
 * that the feed skips it), dropped, failed, or in conflict ({@code sync_conflict}).
 */
public final class RowChanges {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String TRIGGER = "sync_row_change";

  private final TargetDatabase database;
  private final RowStore rows;

  RowChanges(TargetDatabase database, RowStore rows) {
    this.database = database;
    this.rows = rows;
  }

  /** A write-back conflict: both sides, the policy, and which side won ({@code fhir} or {@code target}). */
  public record Conflict(RowChange change, String type, String id, Integer fhirVersion, String policy,
      String winner, ObjectNode fhirSide) {}

  /** Puts the trigger on the root tables of maps that write back, and takes it off the others. */
  static void triggers(Connection connection, MapSet maps) throws SQLException {
    Set<String> wanted = new TreeSet<>();
    maps.all().stream().filter(map -> map.enabled() && map.writeBack() && !map.isExpansion())
        .forEach(map -> wanted.add(map.table()));
    Set<String> present = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement("SELECT c.relname FROM pg_trigger t JOIN pg_class c"
        + " ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
        + " AND t.tgname = ?")) {
      statement.setString(1, TRIGGER);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          present.add(rows.getString(1));
        }
      }
    }
    try (Statement statement = connection.createStatement()) {
      for (String table : wanted) {
        if (!present.contains(table)) {
          statement.execute("CREATE TRIGGER " + TRIGGER + " AFTER INSERT OR UPDATE OR DELETE ON " + table
              + " FOR EACH ROW EXECUTE FUNCTION sync_record_row_change()");
        }
      }
      for (String table : present) {
        if (!wanted.contains(table)) {
          statement.execute("DROP TRIGGER " + TRIGGER + " ON " + table);
        }
      }
    }
  }

  /**
   * The pending changes, oldest first, each row's taken together; changes that failed {@code maxAttempts} times, or
   * that their map refused, are left for the operator.
   */
  public List<RowChange> pending(int limit, int maxAttempts) throws SQLException {
    return database.transaction(connection -> {
      Map<String, RowChange> rows = new LinkedHashMap<>();
      try (PreparedStatement statement = connection.prepareStatement("SELECT id, tbl, row_key, old_row, new_row,"
          + " changed_at, attempts FROM sync_row_change WHERE attempts < ? AND NOT refused ORDER BY id LIMIT ?")) {
        statement.setInt(1, maxAttempts);
        statement.setInt(2, limit);
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            RowChange next = new RowChange(result.getString(2), result.getObject(3, UUID.class), result.getLong(1),
                json(result.getString(4)), json(result.getString(5)), result.getTimestamp(6).toInstant(),
                result.getInt(7));
            rows.merge(next.table() + "/" + next.key(), next, (first, last) -> new RowChange(first.table(),
                first.key(), last.lastId(), first.before(), last.after(), last.changedAt(),
                Math.max(first.attempts(), last.attempts())));
          }
        }
      }
      return new ArrayList<>(rows.values());
    });
  }

  /**
   * Records what a write to FHIR made of {@code change}: the version written claimed in the version guard (so that
   * the feed skips it: no echo) and its rows written, unless the target has changed the row again since, in which
   * case only the row's version moves (its newer change is written next, from there). The changes taken are done,
   * and those after them now start from the version written.
   */
  public void written(MapSet maps, RowChange change, Item item) throws SQLException {
    record(maps, change, item, false);
  }

  /**
   * Records the resource a row the target inserted became, as {@link #written}; the row first takes the key computed
   * from the new resource's type and id, as every row the agent writes has, and the rows that point to it (lookups,
   * child rows) and its later changes follow. Should the feed have written the new resource's row first, the
   * target's row gives way to it.
   */
  public void created(MapSet maps, RowChange change, Item item) throws SQLException {
    record(maps, change, item, true);
  }

  private void record(MapSet maps, RowChange change, Item item, boolean created) throws SQLException {
    database.transaction(connection -> {
      // The version guard first, then the row, in the order the feed's workers lock them.
      boolean claimed = !Versions.claim(connection, List.of(item), false).isEmpty();
      UUID key = rows.writtenBack(connection, maps, change, item, created, claimed);
      finish(connection, change, item.version());
      if (created) {
        follow(connection, change, key, item.id());
      }
      return null;
    });
  }

  /** Before a resource is made from a row: see {@link RowStore#creating}. */
  public void creating(EntityMap map, UUID key, String id) throws SQLException {
    rows.creating(map, key, id);
  }

  /**
   * Asks the target for its changes since the last time, when it tells them rather than a trigger recording them,
   * and records those of rows with sync on as pending changes, with the positions to ask from next time, in one
   * transaction. A row's last values reported with sync on are kept, as a deletion reports only the key.
   */
  public void track(MapSet maps) throws SQLException {
    Map<String, String> positions = database.transaction(TrackedRows::positions);
    RowStore.Tracked tracked = rows.changes(maps, positions);
    if (tracked == null) {
      return;
    }
    database.transaction(connection -> {
      for (RowStore.Reported reported : tracked.rows()) {
        TrackedRows.record(connection, reported);
      }
      TrackedRows.save(connection, tracked.positions());
      return null;
    });
  }

  /** The changes taken are done with nothing written: nothing to write, dropped, or refused. */
  public void done(RowChange change) throws SQLException {
    database.transaction(connection -> {
      finish(connection, change, null);
      return null;
    });
  }

  /** The changes taken failed, with {@code error}, {@code attempts} times so far: they are taken again. */
  public void failed(RowChange change, String error, int attempts) throws SQLException {
    fail(change, error, attempts, false);
  }

  /**
   * The changes taken failed, with {@code error}, for the last time ({@code attempts} made): refused by their map or
   * by FHIR, as trying again cannot help, or failed {@code --sync-max-attempts} times. They stay ({@code refused}),
   * not taken again, for the operator to see; the row's later changes are written on their own and leave them there.
   */
  public void left(RowChange change, String error, int attempts) throws SQLException {
    fail(change, error, attempts, true);
  }

  /** How many changes are left for the operator. */
  public long leftCount() throws SQLException {
    return database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM sync_row_change"
          + " WHERE refused"); ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    });
  }

  private void fail(RowChange change, String error, int attempts, boolean refused) throws SQLException {
    database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_row_change SET attempts = ?,"
          + " error = ?, refused = ? WHERE tbl = ? AND row_key = ? AND id <= ? AND NOT refused")) {
        statement.setInt(1, attempts);
        statement.setString(2, error);
        statement.setBoolean(3, refused);
        statement.setString(4, change.table());
        statement.setObject(5, change.key());
        statement.setLong(6, change.lastId());
        return statement.executeUpdate();
      }
    });
  }

  /** Logs a conflict with both sides. */
  public void conflict(Conflict conflict) throws SQLException {
    RowChange change = conflict.change();
    database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("INSERT INTO sync_conflict (tbl, row_key, type,"
          + " res_id, row_version, fhir_version, policy, winner, target_side, fhir_side)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
        statement.setString(1, change.table());
        statement.setObject(2, change.key());
        statement.setString(3, conflict.type());
        statement.setString(4, conflict.id());
        statement.setObject(5, change.baseVersion(), java.sql.Types.INTEGER);
        statement.setObject(6, conflict.fhirVersion(), java.sql.Types.INTEGER);
        statement.setString(7, conflict.policy());
        statement.setString(8, conflict.winner());
        statement.setString(9, change.after() == null ? null : change.after().toString());
        statement.setString(10, conflict.fhirSide() == null ? null : conflict.fhirSide().toString());
        return statement.executeUpdate();
      }
    });
  }

  /**
   * The reference ({@code Type/id}) of the resource whose row has {@code key}, in whichever root table holds it; null
   * when no row has it. A lookup column holds only a key, so writing it back needs the row it points to.
   */
  public String reference(MapSet maps, UUID key) throws SQLException {
    return rows.reference(maps, key);
  }

  static boolean changedSince(Connection connection, RowChange change) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM sync_row_change"
        + " WHERE tbl = ? AND row_key = ? AND id > ?)")) {
      statement.setString(1, change.table());
      statement.setObject(2, change.key());
      statement.setLong(3, change.lastId());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  /** The row's later changes follow it to its new key, and now start from the resource it became. */
  private static void follow(Connection connection, RowChange change, UUID key, String id)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_row_change SET row_key = ?,"
        + " old_row = old_row || jsonb_build_object('" + Table.FHIR_ID + "', ?::text), new_row = CASE WHEN old_row"
        + " IS NULL THEN new_row || jsonb_build_object('" + Table.FHIR_ID + "', ?::text) ELSE new_row END"
        + " WHERE tbl = ? AND row_key = ? AND id > ?")) {
      statement.setObject(1, key);
      statement.setString(2, id);
      statement.setString(3, id);
      statement.setString(4, change.table());
      statement.setObject(5, change.key());
      statement.setLong(6, change.lastId());
      statement.executeUpdate();
    }
  }

  /**
   * Deletes the changes taken (not those left for the operator before them); those made after them (on the row as it was then) now start from {@code version},
   * the one the agent wrote, so that the agent's own write is not taken for a conflict.
   */
  private static void finish(Connection connection, RowChange change, Integer version) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("DELETE FROM sync_row_change WHERE tbl = ? AND"
        + " row_key = ? AND id <= ? AND NOT refused")) {
      statement.setString(1, change.table());
      statement.setObject(2, change.key());
      statement.setLong(3, change.lastId());
      statement.executeUpdate();
    }
    if (version == null) {
      return;
    }
    // A change the target reported has no row before it: its row's version is the base.
    try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_row_change SET"
        + " old_row = old_row || jsonb_build_object('" + Table.FHIR_VERSION + "', ?::int), new_row = CASE WHEN"
        + " old_row IS NULL AND new_row IS NOT NULL THEN new_row || jsonb_build_object('" + Table.FHIR_VERSION
        + "', ?::int) ELSE new_row END WHERE tbl = ? AND row_key = ? AND id > ?")) {
      statement.setInt(1, version);
      statement.setInt(2, version);
      statement.setString(3, change.table());
      statement.setObject(4, change.key());
      statement.setLong(5, change.lastId());
      statement.executeUpdate();
    }
  }

  private static ObjectNode json(String text) throws SQLException {
    if (text == null) {
      return null;
    }
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new SQLException("A recorded row is not JSON: " + e.getMessage(), e);
    }
  }
}
