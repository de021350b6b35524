package io.brazier.sync.target;

import io.brazier.sync.map.Concept;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
}
