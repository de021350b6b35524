package io.brazier.sync.target;

import io.brazier.sync.map.AttributeMap;
import io.brazier.sync.map.ColumnType;
import io.brazier.sync.map.Concept;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Row;
import io.brazier.sync.map.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes rows in a transaction: root rows upserted by key, child rows replaced (those of the parent deleted, the new
 * ones inserted), codeable concepts added once, deleted resources' rows deleted or deactivated. Each statement is a
 * JDBC batch, which the driver sends as multi-row statements.
 */
final class RowWriter {
  private final Connection connection;
  private final MapSet maps;
  private final Map<String, Table> tables = new TreeMap<>();

  RowWriter(Connection connection, MapSet maps) {
    this.connection = connection;
    this.maps = maps;
    maps.tables().forEach(table -> tables.put(table.name(), table));
  }

  /** Writes the rows of resources: roots first, then their children in place of the old ones. */
  void write(List<Row> roots, List<Row> children, List<Concept> concepts) throws SQLException {
    concepts(concepts);
    for (List<Row> group : byMap(roots)) {
      EntityMap map = group.get(0).map();
      upsert(map, group);
      clearChildren(map, group.stream().map(Row::key).toList());
    }
    for (List<Row> group : byMap(children)) {
      upsert(group.get(0).map(), group);
    }
  }

  /** The resource's id, version and time on its root row, the row's other columns left as they are. */
  void stamp(EntityMap map, UUID key, io.brazier.sync.map.Rows rows) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("UPDATE " + map.table() + " SET "
        + Table.FHIR_ID + " = ?, " + Table.FHIR_VERSION + " = ?, " + Table.FHIR_LAST_UPDATED + " = ? WHERE "
        + map.keyColumn() + " = ?")) {
      statement.setString(1, rows.id());
      statement.setInt(2, rows.version());
      statement.setObject(3, rows.lastUpdated() == null ? null
          : rows.lastUpdated().atOffset(java.time.ZoneOffset.UTC));
      statement.setObject(4, key);
      statement.executeUpdate();
    }
  }

  /** Deletes the rows of deleted resources and their children, or marks them inactive, as each map says. */
  void delete(EntityMap map, List<UUID> keys, List<Integer> versions) throws SQLException {
    if (map.onDelete() == EntityMap.OnDelete.DEACTIVATE) {
      try (PreparedStatement statement = connection.prepareStatement("UPDATE " + map.table() + " SET "
          + Table.STATE + " = 1, " + Table.FHIR_VERSION + " = coalesce(?, " + Table.FHIR_VERSION + ") WHERE "
          + map.keyColumn() + " = ?")) {
        for (int i = 0; i < keys.size(); i++) {
          bind(statement, 1, ColumnType.INTEGER, versions.get(i));
          statement.setObject(2, keys.get(i));
          statement.addBatch();
        }
        statement.executeBatch();
      }
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + map.table() + " WHERE "
        + map.keyColumn() + " = ANY(?)")) {
      statement.setArray(1, connection.createArrayOf("uuid", keys.toArray()));
      statement.executeUpdate();
    }
    clearChildren(map, keys);
  }

  /** Deletes the child rows of these parents, depth first through nested expansions. */
  private void clearChildren(EntityMap parent, List<UUID> parents) throws SQLException {
    for (AttributeMap expansion : parent.expansions()) {
      EntityMap child = maps.map(expansion.map());
      if (!child.enabled() || parents.isEmpty()) {
        continue;
      }
      List<UUID> removed = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + child.table() + " WHERE "
          + child.parentLink() + " = ANY(?) RETURNING " + child.keyColumn())) {
        statement.setArray(1, connection.createArrayOf("uuid", parents.toArray()));
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            removed.add(rows.getObject(1, UUID.class));
          }
        }
      }
      clearChildren(child, removed);
    }
  }

  private void upsert(EntityMap map, List<Row> rows) throws SQLException {
    Table table = tables.get(map.table());
    List<String> columns = new ArrayList<>(rows.get(0).values().keySet());
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(map.table()).append(" (").append(map.keyColumn());
    columns.forEach(column -> sql.append(", ").append(column));
    sql.append(") VALUES (?").append(", ?".repeat(columns.size())).append(") ON CONFLICT (")
        .append(map.keyColumn()).append(") DO UPDATE SET ");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(columns.get(i)).append(" = excluded.").append(columns.get(i));
    }
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      for (Row row : rows) {
        statement.setObject(1, row.key());
        for (int i = 0; i < columns.size(); i++) {
          bind(statement, i + 2, table.columns().get(columns.get(i)), row.values().get(columns.get(i)));
        }
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Concepts are shared by every row that points to them: added once, in key order (no lock cycles), never changed. */
  private void concepts(List<Concept> concepts) throws SQLException {
    if (concepts.isEmpty()) {
      return;
    }
    Map<UUID, Concept> unique = new TreeMap<>(Comparator.naturalOrder());
    concepts.forEach(concept -> unique.putIfAbsent(concept.key(), concept));
    Table table = Table.CONCEPTS;
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table.name() + " ("
        + table.keyColumn() + ", msemr_system, msemr_code, msemr_name) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Concept concept : unique.values()) {
        statement.setObject(1, concept.key());
        statement.setString(2, concept.system());
        statement.setString(3, concept.code());
        statement.setString(4, concept.name());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** The rows grouped by their map, by name (a map's hash would walk all its attributes). */
  private static java.util.Collection<List<Row>> byMap(List<Row> rows) {
    Map<String, List<Row>> byMap = new LinkedHashMap<>();
    rows.forEach(row -> byMap.computeIfAbsent(row.map().name(), name -> new ArrayList<>()).add(row));
    return byMap.values();
  }

  private static void bind(PreparedStatement statement, int index, ColumnType type, Object value)
      throws SQLException {
    if (value != null) {
      statement.setObject(index, value);
      return;
    }
    statement.setNull(index, switch (type) {
      case STRING -> Types.VARCHAR;
      case INTEGER -> Types.INTEGER;
      case DECIMAL -> Types.NUMERIC;
      case BOOLEAN -> Types.BOOLEAN;
      case DATE -> Types.DATE;
      case DATETIME -> Types.TIMESTAMP_WITH_TIMEZONE;
      case UUID -> Types.OTHER;
    });
  }
}
