package io.brazier.sync.dataverse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The test service's rows, in memory, by table and key; a change set works on a copy it keeps or drops whole. Every
 * put and removal is numbered, for change tracking: the delta token is the last number a reader has seen.
 */
final class CrmRows {
  private Map<String, Map<UUID, Map<String, Object>>> tables = new HashMap<>();
  /** Each change's number (its index plus one): which row of which table changed. */
  private List<Changed> log = new ArrayList<>();

  /** A row of a table that was put or removed. */
  record Changed(String table, UUID key) {}

  /** What changed in a table since a token: the rows there now, and the keys of rows that are gone. */
  record Delta(List<Map<String, Object>> rows, List<UUID> removed, long token) {}

  synchronized Map<String, Object> get(String table, UUID key) {
    return tables.getOrDefault(table, Map.of()).get(key);
  }

  synchronized void put(String table, UUID key, Map<String, Object> values) {
    tables.computeIfAbsent(table, name -> new LinkedHashMap<>()).put(key, Map.copyOf(nonNull(values)));
    log.add(new Changed(table, key));
  }

  synchronized boolean remove(String table, UUID key) {
    boolean removed = tables.getOrDefault(table, new HashMap<>()).remove(key) != null;
    if (removed) {
      log.add(new Changed(table, key));
    }
    return removed;
  }

  /** The newest change's number: a token that every change so far is before. */
  synchronized long token() {
    return log.size();
  }

  /** The rows of {@code table} put or removed after {@code token}, each once, as they are now. */
  synchronized Delta since(String table, long token) {
    Map<UUID, Boolean> changed = new LinkedHashMap<>();
    for (Changed change : log.subList((int) Math.min(token, log.size()), log.size())) {
      if (change.table().equals(table)) {
        changed.put(change.key(), true);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    List<UUID> removed = new ArrayList<>();
    changed.keySet().forEach(key -> {
      Map<String, Object> row = get(table, key);
      if (row == null) {
        removed.add(key);
      } else {
        rows.add(row);
      }
    });
    return new Delta(rows, removed, log.size());
  }

  synchronized List<Map<String, Object>> all(String table) {
    return new ArrayList<>(tables.getOrDefault(table, Map.of()).values());
  }

  /** The rows and their changes as they were, to go back to if a change set fails. */
  record Snapshot(Map<String, Map<UUID, Map<String, Object>>> tables, List<Changed> log) {}

  synchronized Snapshot snapshot() {
    Map<String, Map<UUID, Map<String, Object>>> copy = new HashMap<>();
    tables.forEach((table, rows) -> copy.put(table, new LinkedHashMap<>(rows)));
    return new Snapshot(copy, new ArrayList<>(log));
  }

  synchronized void restore(Snapshot snapshot) {
    tables = snapshot.tables();
    log = snapshot.log();
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
