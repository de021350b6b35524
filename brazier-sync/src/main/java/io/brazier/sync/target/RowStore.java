package io.brazier.sync.target;

import io.brazier.sync.map.MapSet;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Where the rows of resources go: the relational tables beside the agent's bookkeeping ({@link RelationalRows}), or
 * a service of their own (Dataverse). Either way the bookkeeping (version guard, checkpoints, dead letters) commits
 * after the rows are written, so a failure writes the batch again, which puts the same rows in the same places.
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
}
