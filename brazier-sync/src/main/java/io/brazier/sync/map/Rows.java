package io.brazier.sync.map;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one version of a resource maps to: its root row first, then the rows of its expansions, the codeable
 * concepts they point to, and the resource type of each row key a lookup column holds (a target that addresses rows
 * by table, as Dataverse's {@code @odata.bind} does, needs it).
 */
public record Rows(String type, String id, int version, Instant lastUpdated, List<Row> rows, List<Concept> concepts,
    Map<UUID, String> lookups) {

  public Rows {
    rows = List.copyOf(rows);
    concepts = List.copyOf(concepts);
    lookups = Map.copyOf(lookups);
  }

  public Row root() {
    return rows.get(0);
  }
}
