package io.brazier.proxy.isolation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Values computed from FHIR data (the consents, a practitioner's patients), kept by key at most {@code maxAge} and
 * dropped as soon as a change of one of their resource types commits, on this node or any other (the server's change
 * notices, see {@code FhirApi.onChanges}): a node then reads through again. A value computed while such a change
 * committed serves its own request but is not kept, as it may predate the change.
 */
final class FollowedCache<K, V> {
  private static final int MOST_KEPT = 10_000;

  private record Kept<V>(V value, Instant at) {}

  private final Set<String> types;
  private final Duration maxAge;
  private final Clock clock;
  private final Map<K, Kept<V>> kept = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  /** @param types the resource types whose changes drop the values */
  FollowedCache(Set<String> types, Duration maxAge, Clock clock) {
    this.types = Set.copyOf(types);
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** Hears of committed changes of {@code changed} types. */
  void changed(Set<String> changed) {
    if (changed.stream().anyMatch(types::contains)) {
      changes.incrementAndGet();
      kept.clear();
    }
  }

  /** The value of {@code key}: kept, or computed by {@code load}. */
  V get(K key, Function<K, V> load) {
    Instant now = clock.instant();
    Kept<V> found = kept.get(key);
    if (found != null && found.at().plus(maxAge).isAfter(now)) {
      return found.value();
    }
    long before = changes.get();
    V value = load.apply(key);
    if (kept.size() >= MOST_KEPT) {
      kept.clear();
    }
    Kept<V> fresh = new Kept<>(value, now);
    kept.put(key, fresh);
    // Checked after the put: a change heard meanwhile has cleared the map already, or this takes it out.
    if (changes.get() != before) {
      kept.remove(key, fresh);
    }
    return value;
  }
}
