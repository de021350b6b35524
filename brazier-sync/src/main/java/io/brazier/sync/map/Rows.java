package io.brazier.sync.map;

import java.time.Instant;
import java.util.List;

/**
 * What one version of a resource maps to: its root row first, then the rows of its expansions, and the codeable
 * concepts they point to.
 */
public record Rows(String type, String id, int version, Instant lastUpdated, List<Row> rows, List<Concept> concepts) {

  public Rows {
    rows = List.copyOf(rows);
    concepts = List.copyOf(concepts);
  }

  public Row root() {
    return rows.get(0);
  }
}
