package io.brazier.server.export;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exports whose files this node is serving right now, so that its sweeper leaves them until the last download
 * ends. Another node's downloads are not seen here; a local file deleted while it is read stays readable to the end
 * (POSIX), and Blob files are deleted only an hour after their links expired.
 */
final class Readers {
  private final Map<String, Integer> reading = new ConcurrentHashMap<>();

  void enter(String job) {
    reading.merge(job, 1, Integer::sum);
  }

  void leave(String job) {
    reading.computeIfPresent(job, (id, count) -> count == 1 ? null : count - 1);
  }

  boolean reading(String job) {
    return reading.containsKey(job);
  }
}
