package io.brazier.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Change;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Mapper;
import io.brazier.sync.map.Rows;
import io.brazier.sync.source.Resources;
import io.brazier.sync.source.SourceException;
import io.brazier.sync.target.Item;

/**
 * Turns a change into what the target must become: the rows of the resource as of the change, or its deletion. A
 * change that carries its resource is mapped from it; one that does not, a deletion, or a change applied again (a
 * retry, a replay) reads the resource as it is now, so that whatever is applied is never older than the change and
 * replays converge on the current state.
 */
final class Preparer {
  private final Resources resources;
  private final Mapper mapper;
  private final boolean keepBodies;

  Preparer(Resources resources, Mapper mapper, boolean keepBodies) {
    this.resources = resources;
    this.mapper = mapper;
    this.keepBodies = keepBodies;
  }

  /**
   * The item of {@code change} under {@code maps}; null when its type is not synced.
   *
   * @param reread read the current resource even when the change carries one
   * @throws io.brazier.sync.map.MappingException when the resource does not fit its map
   */
  Item prepare(MapSet maps, Change change, String partition, boolean reread) throws SourceException {
    EntityMap map = maps.root(change.type());
    if (map == null) {
      return null;
    }
    ObjectNode json = change.resource();
    if (reread || json == null || change.action() == Change.Action.DELETE) {
      json = resources.current(change.type(), change.id());
    }
    if (json == null) {
      // Gone: deleted at the change's version, or, when the change was not the deletion, at one the feed has not
      // brought yet (null: whatever the target has is deleted, unless it is already).
      Integer version = change.action() == Change.Action.DELETE ? change.version() : null;
      return new Item(change.sequence(), change.type(), change.id(), version, partition, map, null, null);
    }
    return item(maps, map, change.sequence(), json, partition);
  }

  /** The item of a resource read as it is (a back-fill's). */
  Item item(MapSet maps, EntityMap map, long sequence, ObjectNode json, String partition) {
    Rows rows = mapper.rows(maps, map, mapper.parse(json));
    return new Item(sequence, rows.type(), rows.id(), rows.version(), partition, map, rows,
        keepBodies ? json.toString() : null);
  }
}
