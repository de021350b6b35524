package io.brazier.sync.target;

import io.brazier.sync.map.ColumnType;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables the maps describe, made to exist: a table missing is created, a column missing is added; what exists
 * already is left alone (no lock taken), and a column whose type differs from the map's is refused, as converting
 * it could lose data. Names come from the maps, which allow only plain lower-case identifiers.
 */
final class Tables {
  private static final Logger log = LoggerFactory.getLogger(Tables.class);
  /** How PostgreSQL names each column type ({@code format_type}). */
  private static final Map<ColumnType, String> CATALOG_NAMES = Map.of(ColumnType.STRING, "text",
      ColumnType.INTEGER, "integer", ColumnType.DECIMAL, "numeric", ColumnType.BOOLEAN, "boolean", ColumnType.DATE,
      "date", ColumnType.DATETIME, "timestamp with time zone", ColumnType.UUID, "uuid");

  private Tables() {}

  /** Creates and alters the tables of {@code maps} in one transaction, one agent at a time. */
  static void prepare(TargetDatabase database, MapSet maps) throws SQLException {
    database.transaction(connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(hashtext('brazier-sync-tables:' || current_schema()))");
      }
      Map<String, Map<String, String>> existing = existing(connection);
      for (Table table : maps.tables()) {
        prepare(connection, table, existing.get(table.name()));
      }
      RowChanges.triggers(connection, maps);
      return null;
    });
  }

  private static void prepare(Connection connection, Table table, Map<String, String> existing)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (existing == null) {
        statement.execute("CREATE TABLE " + table.name() + " (" + table.keyColumn() + " uuid PRIMARY KEY)");
        log.info("Sync target table created table={}", table.name());
        existing = Map.of();
      }
      for (Map.Entry<String, ColumnType> column : new TreeMap<>(table.columns()).entrySet()) {
        String found = existing.get(column.getKey());
        if (found == null) {
          statement.execute("ALTER TABLE " + table.name() + " ADD COLUMN " + column.getKey() + " "
              + column.getValue().sql() + defaultOf(column.getKey()));
          log.info("Sync target column added table={} column={} type={}", table.name(), column.getKey(),
              column.getValue().sql());
        } else if (!found.equals(CATALOG_NAMES.get(column.getValue()))) {
          throw new IllegalStateException("Column " + table.name() + "." + column.getKey() + " is " + found
              + " in the target, but the maps make it " + column.getValue().mapName() + ": change the map's type,"
              + " or the column");
        }
      }
      if (table.child() && !existing.containsKey(table.parentLink())) {
        // Child rows are replaced by their parent's key at every change of the parent.
        statement.execute("CREATE INDEX " + table.name() + "_" + table.parentLink() + " ON " + table.name() + " ("
            + table.parentLink() + ")");
      }
    }
  }

  /** The target's own per-row state starts as: sync not enabled, active. */
  private static String defaultOf(String column) {
    return switch (column) {
      case Table.SYNC_ENABLED -> " NOT NULL DEFAULT false";
      case Table.STATE -> " NOT NULL DEFAULT 0";
      default -> "";
    };
  }

  /** The tables of the schema and their columns' types. */
  private static Map<String, Map<String, String>> existing(Connection connection) throws SQLException {
    Map<String, Map<String, String>> tables = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        Map<String, String> columns = tables.computeIfAbsent(rows.getString(1), name -> new HashMap<>());
        if (rows.getString(2) != null) {
          columns.put(rows.getString(2), rows.getString(3));
        }
      }
    }
    return tables;
  }
}
