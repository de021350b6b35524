package io.brazier.sync.target;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where the rows of resources go: the relational tables beside the agent's bookkeeping ({@link RelationalRows}), or
 * a service of their own (Dataverse). Either way the bookkeeping (version guard, checkpoints, dead letters) commits
 * after the rows are written, so a failure writes the batch again, which puts the same rows in the same places.
 * For write-back, it also tells the target's own changes (when no trigger records them), and takes what write-back
 * made of them.
 */
public interface RowStore {

  /**
   * Makes the target ready for the maps: tables created and columns added, or the maps refused.
   *
   * @throws IllegalStateException when the target cannot take them, with a sentence saying why
   */
  void prepare(MapSet maps);

  /**
   * Writes the rows of {@code written} (each replaces its resource's rows) and deletes or deactivates
   * {@code deleted}, as their maps say, inside {@code transaction}: the bookkeeping's, which commits after.
   */
  void write(Connection transaction, MapSet maps, List<Item> written, List<Item> deleted) throws SQLException;

  /** A row as the target reports it: its values now ({@code row}, columns by name), or null when it was deleted. */
  record Reported(String table, UUID key, ObjectNode row) {}

  /** What the target reported since the positions it was asked from, and the positions to ask from next time. */
  record Tracked(List<Reported> rows, Map<String, String> positions) {}

  /**
   * The rows the target changed in the root tables of maps that write back, since {@code positions} (by table; a
   * table without one: every row, as the start of tracking). Null for a target whose triggers record its changes as
   * they are made.
   */
  default Tracked changes(MapSet maps, Map<String, String> positions) throws SQLException {
    return null;
  }

  /**
   * Before a resource {@code id} is made from the row {@code key}: puts the id on the row, where a target that the
   * feed upserts by FHIR id (Dataverse) must have it, so that the feed's copy of the new resource lands on that row.
   */
  default void creating(EntityMap map, UUID key, String id) throws SQLException {}

  /**
   * Puts on the target's row what write-back made of its changes, inside {@code transaction}, and answers the row's
   * key from now on.
   *
   * @param item the resource as written to FHIR (a deletion: no rows)
   * @param created the row became a new resource
   * @param claimed the version written was claimed in the version guard; otherwise the feed has written it, or a
   *     newer one, already
   */
  UUID writtenBack(Connection transaction, MapSet maps, RowChange change, Item item, boolean created,
      boolean claimed) throws SQLException;

  /** The reference ({@code Type/id}) of the resource whose row has {@code key}, in any root table; null for none. */
  String reference(MapSet maps, UUID key) throws SQLException;
}
