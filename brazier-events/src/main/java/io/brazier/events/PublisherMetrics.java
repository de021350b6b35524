package io.brazier.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the publisher tells {@code /metrics}: messages published per topic, errors per kind, whether this node
 * publishes, its checkpoint, and its lag: in changes (the newest sequence it has seen in the feed minus its
 * checkpoint; while it catches up, the feed's head lies further than one page ahead, so this is a lower bound), in
 * seconds (since the oldest write read and not yet acknowledged was committed), and per write from commit to the
 * broker's acknowledgement.
 */
final class PublisherMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Timer delay;
  private final AtomicLong checkpoint = new AtomicLong();
  private final AtomicLong newestSeen = new AtomicLong();
  private final AtomicLong publishing = new AtomicLong();
  private volatile Instant oldestPending;
  private final Clock clock;

  PublisherMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  /** Metrics whose lag and delays are measured by {@code clock}. */
  PublisherMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    // A histogram, whose buckets count from the first write on and reach down to a millisecond: client-side
    // percentiles show only once their window has turned (a minute), and a summary's buckets start at 1.
    this.delay = Timer.builder("brazier.events.delay")
        .description("From a write's commit to the broker's acknowledgement of its messages")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    Gauge.builder("brazier.events.checkpoint", checkpoint, AtomicLong::get)
        .description("The last change feed sequence published").register(registry);
    Gauge.builder("brazier.events.publishing", publishing, AtomicLong::get)
        .description("1 on the node that holds the publisher's lock").register(registry);
    Gauge.builder("brazier.events.lag.changes", this, m -> Math.max(0, m.newestSeen.get() - m.checkpoint.get()))
        .description("Changes seen in the feed and not yet published (a lower bound while catching up)")
        .register(registry);
    Gauge.builder("brazier.events.lag.seconds", this, PublisherMetrics::lagSeconds)
        .description("Age of the oldest write read and not yet published").register(registry);
  }

  void publishing(boolean holds) {
    publishing.set(holds ? 1 : 0);
  }

  /** A page read: its writes wait for the broker from now on. */
  void read(long newest, List<Written> writes) {
    newestSeen.accumulateAndGet(newest, Math::max);
    if (!writes.isEmpty() && oldestPending == null) {
      oldestPending = instant(writes.get(0).lastUpdated());
    }
  }

  /** The broker acknowledged {@code messages}, telling of {@code writes}; the checkpoint is {@code sequence}. */
  void published(List<Message> messages, List<Written> writes, long sequence) {
    for (Message message : messages) {
      published.computeIfAbsent(message.topic(), topic -> Counter.builder("brazier.events.published")
          .description("Messages the broker acknowledged").tag("topic", topic).register(registry)).increment();
    }
    Instant now = clock.instant();
    String parsed = null;
    Instant at = null;
    for (Written write : writes) {
      if (!Objects.equals(write.lastUpdated(), parsed)) { // the writes of a transaction share their time
        parsed = write.lastUpdated();
        at = instant(parsed);
      }
      if (at != null) {
        delay.record(Math.max(0, Duration.between(at, now).toNanos()), TimeUnit.NANOSECONDS);
      }
    }
    checkpoint.set(sequence);
    oldestPending = null;
  }

  void checkpoint(long sequence) {
    checkpoint.set(sequence);
  }

  /** A failure of {@code kind}: broker, feed, or database (the lease's). */
  void error(String kind) {
    errors.computeIfAbsent(kind, k -> Counter.builder("brazier.events.errors")
        .description("Failures of the publisher, by what failed").tag("kind", k).register(registry)).increment();
  }

  private double lagSeconds() {
    Instant oldest = oldestPending;
    return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
  }

  private static Instant instant(String lastUpdated) {
    try {
      return lastUpdated == null ? null : OffsetDateTime.parse(lastUpdated).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
