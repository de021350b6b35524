package io.brazier.sync.dataverse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The test service's rows, in memory, by table and key; a change set works on a copy it keeps or drops whole. */
final class CrmRows {
  private Map<String, Map<UUID, Map<String, Object>>> tables = new HashMap<>();

  synchronized Map<String, Object> get(String table, UUID key) {
    return tables.getOrDefault(table, Map.of()).get(key);
  }

  synchronized void put(String table, UUID key, Map<String, Object> values) {
    tables.computeIfAbsent(table, name -> new LinkedHashMap<>()).put(key, Map.copyOf(nonNull(values)));
  }

  synchronized boolean remove(String table, UUID key) {
    return tables.getOrDefault(table, new HashMap<>()).remove(key) != null;
  }

  synchronized List<Map<String, Object>> all(String table) {
    return new ArrayList<>(tables.getOrDefault(table, Map.of()).values());
  }

  /** A copy to go back to if a change set fails. */
  synchronized Map<String, Map<UUID, Map<String, Object>>> snapshot() {
    Map<String, Map<UUID, Map<String, Object>>> copy = new HashMap<>();
    tables.forEach((table, rows) -> copy.put(table, new LinkedHashMap<>(rows)));
    return copy;
  }

  synchronized void restore(Map<String, Map<UUID, Map<String, Object>>> snapshot) {
    tables = snapshot;
  }

  /** Null values are absent properties, as a column that was never set. */
  private static Map<String, Object> nonNull(Map<String, Object> values) {
    Map<String, Object> kept = new LinkedHashMap<>();
    values.forEach((column, value) -> {
      if (value != null) {
        kept.put(column, value);
      }
    });
    return kept;
  }
}
