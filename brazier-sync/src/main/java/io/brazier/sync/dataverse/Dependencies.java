package io.brazier.sync.dataverse;

import io.brazier.sync.map.Keys;
import io.brazier.sync.map.Row;
import io.brazier.sync.target.Item;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The order in which resources go into a change set: a resource that others of the batch point to (the Patient of
 * an Encounter, the Encounter of an Observation) before them, as Dataverse refuses a binding to a row it does not
 * have yet; otherwise the batch's order. Resources that point to each other in a cycle, which no order satisfies, are
 * each taken once, the first of the batch after those it points to.
 */
final class Dependencies {
  private Dependencies() {}

  /** {@code items}, all written (deletions are sent apart, after them), in that order. */
  static List<Item> first(List<Item> items) {
    Map<UUID, Item> byKey = new HashMap<>();
    items.forEach(item -> byKey.put(Keys.row(item.type(), item.id()), item));
    List<Item> ordered = new ArrayList<>(items.size());
    // By identity: an item's hash would walk its rows and its map.
    Set<Item> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    items.forEach(item -> visit(item, byKey, visited, ordered));
    return ordered;
  }

  private static void visit(Item item, Map<UUID, Item> byKey, Set<Item> visited, List<Item> ordered) {
    if (!visited.add(item)) {
      return;
    }
    for (Row row : item.rows().rows()) {
      for (Object value : row.values().values()) {
        Item referenced = value instanceof UUID key ? byKey.get(key) : null;
        if (referenced != null && referenced != item) {
          visit(referenced, byKey, visited, ordered);
        }
      }
    }
    ordered.add(item);
  }
}
