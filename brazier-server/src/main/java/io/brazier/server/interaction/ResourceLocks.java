package io.brazier.server.interaction;

import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Queues this process's writers of one resource behind each other. Every write is a compare-and-set on the version,
 * so writers that race read the same version and all but one must retry; under a crowd a writer could lose every
 * round. Taking turns (fair locks, striped by type and id) makes each read see the version the writer will replace;
 * the compare-and-set still guards against other processes on the same database.
 */
final class ResourceLocks {
  private static final int STRIPES = 1024;

  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  ResourceLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock(true);
    }
  }

  <T> T holding(String type, String id, Supplier<T> action) {
    ReentrantLock lock = stripes[Math.floorMod(31 * type.hashCode() + id.hashCode(), STRIPES)];
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Holds the locks of all these keys at once. They are taken in one order (by stripe), so that two holders of
   * several never wait on each other in a circle; a holder may take one of its own again (the locks are reentrant).
   */
  <T> T holdingAll(Collection<String> keys, Supplier<T> action) {
    int[] held = keys.stream().mapToInt(key -> Math.floorMod(key.hashCode(), STRIPES)).distinct().sorted().toArray();
    int locked = 0;
    try {
      for (int stripe : held) {
        stripes[stripe].lock();
        locked++;
      }
      return action.get();
    } finally {
      for (int i = locked - 1; i >= 0; i--) {
        stripes[held[i]].unlock();
      }
    }
  }
}
