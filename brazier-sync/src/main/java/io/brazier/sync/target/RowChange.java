package io.brazier.sync.target;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.sync.map.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * What the target did to one row since the agent last wrote it to FHIR: its pending changes taken together, from the
 * row as it was before the first ({@code before}) to the row after the last ({@code after}).
 *
 * @param table the row's table
 * @param key the row's key
 * @param lastId the newest change taken; those up to it are done when this is
 * @param before the row before the first change (null when the target inserted it)
 * @param after the row after the last change (null when the target deleted it)
 * @param changedAt when the last change was made, by the target's clock
 * @param attempts failed attempts to write it so far
 */
public record RowChange(String table, UUID key, long lastId, ObjectNode before, ObjectNode after, Instant changedAt,
    int attempts) {

  public boolean deleted() {
    return after == null;
  }

  /** The FHIR id the row was synced from; null for a row the target made. */
  public String fhirId() {
    ObjectNode row = before != null ? before : after;
    return row.path(Table.FHIR_ID).isTextual() ? row.path(Table.FHIR_ID).asText() : null;
  }

  /** The FHIR version the row was synced from before the target changed it: the base of the change. */
  public Integer baseVersion() {
    ObjectNode row = before != null ? before : after;
    return row.path(Table.FHIR_VERSION).isIntegralNumber() ? row.path(Table.FHIR_VERSION).asInt() : null;
  }
}
