package io.brazier.loader;

import io.brazier.loader.storage.Storage.Stored;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What the scanner remembers of the files it has seen, to take a file only once its size and time have stayed the
 * same for the settle time (a file still being copied keeps changing), and what each file holds (surveyed once per
 * version). Only for files present in the input folders; forgotten when they leave.
 */
final class Settling {
  private record Seen(long size, Instant modified, long since, Boolean reference) {}

  private final Duration settle;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  Settling(Duration settle) {
    this.settle = settle;
  }

  boolean settled(String folder, Stored file) {
    long now = System.nanoTime();
    Seen last = seen.compute(folder + "/" + file.name(), (key, before) -> before != null
        && before.size() == file.size() && before.modified().equals(file.modified())
        ? before : new Seen(file.size(), file.modified(), now, null));
    return now - last.since() >= settle.toNanos();
  }

  boolean referenceData(String folder, Stored file, BooleanSupplier survey) {
    Seen last = seen.get(folder + "/" + file.name());
    if (last == null) {
      return survey.getAsBoolean();
    }
    if (last.reference() == null) {
      last = new Seen(last.size(), last.modified(), last.since(), survey.getAsBoolean());
      seen.put(folder + "/" + file.name(), last);
    }
    return last.reference();
  }

  void forgetAllBut(Set<String> present) {
    seen.keySet().retainAll(present);
  }
}
