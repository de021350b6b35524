package io.brazier.sync.map;

import java.util.Collections;
import java.util.Map;
import java.util.UUID;

/** One row to write: its map (and so its table), its key, and its columns' values (nulls included). */
public record Row(EntityMap map, UUID key, Map<String, Object> values) {

  public Row {
    values = Collections.unmodifiableMap(values);
  }
}
