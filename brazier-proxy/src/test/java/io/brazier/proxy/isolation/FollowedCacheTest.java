package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A value computed from FHIR data is kept until a change of its types is heard, at most its age, and a value read
 * while such a change was heard is not kept at all, as it may be older than the change.
 */
class FollowedCacheTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FollowedCache<String, Integer> cache =
      new FollowedCache<>(Set.of("Consent"), Duration.ofMinutes(5), clock);
  private final AtomicInteger loads = new AtomicInteger();

  @Test
  void aValueIsKeptUntilItsAgeHasPassed() {
    assertThat(cache.get("k", this::load)).isEqualTo(1);
    clock.advance(Duration.ofMinutes(4));
    assertThat(cache.get("k", this::load)).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));

    assertThat(cache.get("k", this::load)).isEqualTo(2);
  }

  @Test
  void aChangeOfItsTypesDropsItAndOfOtherTypesDoesNot() {
    cache.get("k", this::load);

    cache.changed(Set.of("Observation", "Patient"));
    assertThat(cache.get("k", this::load)).isEqualTo(1);
    cache.changed(Set.of("Observation", "Consent"));

    assertThat(cache.get("k", this::load)).isEqualTo(2);
  }

  @Test
  void aValueReadWhileAChangeWasHeardServesItsCallerButIsNotKept() {
    int read = cache.get("k", key -> {
      cache.changed(Set.of("Consent"));
      return load(key);
    });

    assertThat(read).isEqualTo(1);
    assertThat(cache.get("k", this::load)).isEqualTo(2);
    assertThat(cache.get("k", this::load)).isEqualTo(2);
  }

  private int load(String key) {
    return loads.incrementAndGet();
  }
}
