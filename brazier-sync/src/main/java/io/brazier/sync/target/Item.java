package io.brazier.sync.target;

import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.Rows;

/**
 * One resource to bring the target in line with: its rows as of {@code version}, or its deletion.
 *
 * @param sequence the change it comes from (0 for a back-fill)
 * @param version the version; null for a deletion whose version the source did not give
 * @param partition the patient whose order it follows ({@code Patient/12}), or the resource itself
 * @param map its type's root map
 * @param rows its rows; null for a deletion
 * @param body the resource as read, for the sync log's bodies; null when not logged
 */
public record Item(long sequence, String type, String id, Integer version, String partition, EntityMap map,
    Rows rows, String body) {

  public boolean deleted() {
    return rows == null;
  }

  public String reference() {
    return type + "/" + id;
  }
}
