package io.brazier.sync.target;

import io.brazier.sync.map.Concept;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Row;
import io.brazier.sync.map.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The rows in tables of the target database, in the very transaction of the bookkeeping. */
final class RelationalRows implements RowStore {
  private final TargetDatabase database;

  RelationalRows(TargetDatabase database) {
    this.database = database;
  }

  @Override
  public void prepare(MapSet maps) {
    try {
      Tables.prepare(database, maps);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void write(Connection transaction, MapSet maps, List<Item> written, List<Item> deleted)
      throws SQLException {
    List<Row> roots = new ArrayList<>();
    List<Row> children = new ArrayList<>();
    List<Concept> concepts = new ArrayList<>();
    for (Item item : written) {
      roots.add(item.rows().root());
      children.addAll(item.rows().rows().subList(1, item.rows().rows().size()));
      concepts.addAll(item.rows().concepts());
    }
    RowWriter writer = new RowWriter(transaction, maps);
    writer.write(roots, children, concepts);
    Map<String, List<Item>> deletions = new LinkedHashMap<>();
    deleted.forEach(item -> deletions.computeIfAbsent(item.map().name(), name -> new ArrayList<>()).add(item));
    for (List<Item> group : deletions.values()) {
      writer.delete(group.get(0).map(), group.stream().map(item -> Keys.row(item.type(), item.id())).toList(),
          group.stream().map(Item::version).toList());
    }
  }

  /**
   * Locks the row (after the target's own transaction on it, whose change the trigger then has recorded), moves a
   * created row to its computed key, and writes the resource's rows; when the target changed the row again since,
   * only the resource's id and version, so that its newer change is written next, from there.
   */
  @Override
  public UUID writtenBack(Connection transaction, MapSet maps, RowChange change, Item item, boolean created,
      boolean claimed) throws SQLException {
    EntityMap map = item.map();
    try (PreparedStatement statement = transaction.prepareStatement("SELECT 1 FROM " + map.table() + " WHERE "
        + map.keyColumn() + " = ? FOR UPDATE")) {
      statement.setObject(1, change.key());
      statement.executeQuery().close();
    }
    boolean changedSince = RowChanges.changedSince(transaction, change);
    UUID key = change.key();
    if (created) {
      key = item.rows().root().key();
      RowKeys.move(transaction, maps, map, change.key(), key);
    }
    if (!claimed) {
      return key;
    }
    RowWriter writer = new RowWriter(transaction, maps);
    if (item.deleted()) {
      writer.delete(map, List.of(key), java.util.Arrays.asList(item.version()));
    } else if (changedSince) {
      writer.stamp(map, key, item.rows());
    } else {
      writer.write(List.of(item.rows().root()), item.rows().rows().subList(1, item.rows().rows().size()),
          item.rows().concepts());
    }
    return key;
  }

  /** A lookup column holds only a key, so writing it back needs the row it points to. */
  @Override
  public String reference(MapSet maps, UUID key) throws SQLException {
    return database.transaction(connection -> {
      for (EntityMap map : maps.all()) {
        if (map.isExpansion() || !map.enabled()) {
          continue;
        }
        String discriminator = map.discriminator() == null ? "NULL" : map.discriminator().column();
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + Table.FHIR_ID + ", "
            + discriminator + " FROM " + map.table() + " WHERE " + map.keyColumn() + " = ?")) {
          statement.setObject(1, key);
          try (ResultSet rows = statement.executeQuery()) {
            if (rows.next() && rows.getString(1) != null && (map.discriminator() == null
                || map.discriminator().value().equals(rows.getString(2)))) {
              return map.resource() + "/" + rows.getString(1);
            }
          }
        }
      }
      return null;
    });
  }
}
