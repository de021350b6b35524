package io.brazier.server.interaction;

import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a write being prepared finds the current versions of what it writes: the store, one read per resource, or,
 * for a transaction or a page of patches, every target read up front with one query (a transaction of 500 updates
 * would otherwise make 500 round trips before its one commit).
 */
interface Currents {

  Optional<ResourceVersion> of(String type, String id);

  static Currents of(Store store) {
    return store::current;
  }

  /** The current versions of every target's resources, read in one round trip; anything else read from the store. */
  static Currents read(Store store, Collection<Target> targets) {
    Set<String> keys = targets.stream()
        .flatMap(target -> target.ids().stream().map(id -> target.type() + "/" + id))
        .collect(Collectors.toSet());
    Map<String, ResourceVersion> found = keys.isEmpty() ? Map.of() : store.current(keys);
    return (type, id) -> {
      String key = type + "/" + id;
      return keys.contains(key) ? Optional.ofNullable(found.get(key)) : store.current(type, id);
    };
  }
}
