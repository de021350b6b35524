package io.brazier.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the agent has done, for {@code /sync/status} and Prometheus: changes written, skipped and dead-lettered,
 * failures, the changes read but not yet applied (the lag, in changes and in seconds since the oldest of them was
 * committed), the lag of each applied change, and the rate over the last ten seconds.
 */
final class SyncMetrics {
  private static final int WINDOW = 10;

  private final Counter written;
  private final Counter skipped;
  private final Counter deadLettered;
  private final Counter failures;
  private final Counter backfilled;
  private final Timer lag;
  private final ConcurrentSkipListMap<Long, Instant> pending = new ConcurrentSkipListMap<>();
  private final AtomicLong position = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLongArray perSecond = new AtomicLongArray(WINDOW);
  private final AtomicLongArray secondOf = new AtomicLongArray(WINDOW);
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private volatile boolean caughtUp;
  /** Why the source cannot be read now, and since when. */
  private final FailingReads source;
  /** Why the workers' checkpoint cannot be read from the target now, and since when. */
  private final FailingReads checkpoint;
  /** Why the workers cannot write their checkpoint in the target now, and since when. */
  private final FailingReads checkpointWrites;
  private final Clock clock;

  SyncMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  /** Metrics whose lag and rate are measured by {@code clock}. */
  SyncMetrics(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    this.source = new FailingReads(clock);
    this.checkpoint = new FailingReads(clock);
    this.checkpointWrites = new FailingReads(clock, "cannot be written");
    this.written = counter(registry, "written");
    this.skipped = counter(registry, "skipped");
    this.deadLettered = counter(registry, "dead_lettered");
    this.failures = Counter.builder("brazier_sync_failures").description("Failed attempts to apply a change")
        .register(registry);
    this.backfilled = Counter.builder("brazier_sync_backfill_resources").description("Resources read by back-fills")
        .register(registry);
    this.lag = Timer.builder("brazier_sync_lag").description("From a change's commit in FHIR to its rows' commit")
        .publishPercentiles(0.5, 0.99).register(registry); // a histogram too would hide the quantiles from Prometheus
    Gauge.builder("brazier_sync_pending_changes", pending, Map::size)
        .description("Changes read from the feed and not yet applied").register(registry);
    Gauge.builder("brazier_sync_oldest_pending_seconds", this, metrics -> metrics.lagSeconds())
        .description("Age of the oldest change read and not yet applied").register(registry);
    Gauge.builder("brazier_sync_feed_position", position, AtomicLong::get)
        .description("The feed sequence read up to").register(registry);
    Gauge.builder("brazier_sync_dead_letters", deadLetters, AtomicLong::get)
        .description("Changes in the dead-letter table").register(registry);
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("brazier_sync_changes").tag("outcome", outcome)
        .description("Changes handled, by outcome").register(registry);
  }

  /** A change was read and handed to a worker. */
  void read(long sequence, Instant committed) {
    pending.put(sequence, committed == null ? clock.instant() : committed);
  }

  /** A page of the feed was read up to {@code next}; {@code full} when more are waiting. */
  void page(long next, boolean full) {
    position.set(next);
    caughtUp = !full;
  }

  /**
   * Changes were applied: {@code written} of them wrote rows, the others were skipped (not newer than the target,
   * or followed by a later change of the same resource in their batch). They are counted before they leave the
   * pending ones, so that whoever sees none pending sees them counted.
   */
  void applied(Iterable<Long> sequences, int writtenCount, int skippedCount) {
    written.increment(writtenCount);
    skipped.increment(skippedCount);
    count(writtenCount + skippedCount);
    Instant now = clock.instant();
    for (Long sequence : sequences) {
      Instant committed = pending.remove(sequence);
      if (committed != null) {
        lag.record(Duration.between(committed, now));
      }
    }
  }

  /** Counted before it leaves the pending changes, as {@link #applied} counts. */
  void deadLettered(long sequence) {
    deadLettered.increment();
    deadLetters.incrementAndGet();
    pending.remove(sequence);
  }

  void failed(String error) {
    failures.increment();
    lastError.set(error);
  }

  void backfilled(int resources) {
    backfilled.increment(resources);
    count(resources);
  }

  void deadLetters(long count) {
    deadLetters.set(count);
  }

  /** Synchronized: a slot's reset for a new second must not drop what another thread adds in that second. */
  private synchronized void count(long changes) {
    long second = clock.millis() / 1000;
    int slot = (int) (second % WINDOW);
    if (secondOf.getAndSet(slot, second) != second) {
      perSecond.set(slot, 0);
    }
    perSecond.addAndGet(slot, changes);
  }

  /** Changes and resources applied per second over the last ten seconds. */
  double rate() {
    long now = clock.millis() / 1000;
    long sum = 0;
    for (int slot = 0; slot < WINDOW; slot++) {
      if (now - secondOf.get(slot) < WINDOW) {
        sum += perSecond.get(slot);
      }
    }
    return sum / (double) WINDOW;
  }

  double lagSeconds() {
    Map.Entry<Long, Instant> oldest = pending.firstEntry();
    return oldest == null ? 0 : Math.max(0, Duration.between(oldest.getValue(), clock.instant()).toMillis() / 1000.0);
  }

  int pending() {
    return pending.size();
  }

  /** The position up to which every change is applied: before the oldest pending one, or the feed's position. */
  long applied() {
    Map.Entry<Long, Instant> oldest = pending.firstEntry();
    return oldest == null ? position.get() : oldest.getKey() - 1;
  }

  long position() {
    return position.get();
  }

  /** The source could not be read, for {@code reason}: an outage the reader waits out. */
  void sourceFailed(String reason) {
    source.failed(reason);
  }

  /** The source was read: whatever kept it from being read is over. */
  void sourceRead() {
    source.read();
  }

  String sourceError() {
    return source.error();
  }

  /** Why the source counts as down: its reads have failed without a break for {@code grace}; null otherwise. */
  String sourceDown(Duration grace) {
    return source.down(grace);
  }

  /** The workers' checkpoint could not be read from the target, for {@code reason}: the reader tries again. */
  void checkpointFailed(String reason) {
    checkpoint.failed(reason);
  }

  /** The workers' checkpoint was read: the reader follows the source. */
  void checkpointRead() {
    checkpoint.read();
  }

  /**
   * A worker could not write its checkpoint in the target, for {@code reason}, and no outage: the target refuses it
   * (a constraint, no rights), and the worker tries again.
   */
  void checkpointUnwritten(String reason) {
    checkpointWrites.failed(reason);
  }

  /** A worker wrote its checkpoint. */
  void checkpointWritten() {
    checkpointWrites.read();
  }

  /**
   * Why the checkpoint counts as down: its reads, or the workers' writes of it, have failed without a break for
   * {@code grace}; null otherwise.
   */
  String checkpointDown(Duration grace) {
    String read = checkpoint.down(grace);
    return read != null ? read : checkpointWrites.down(grace);
  }

  /**
   * Whether the target has everything the source holds: the source is read, its end was reached, and every change
   * read is applied.
   */
  boolean caughtUp() {
    return caughtUp && pending.isEmpty() && source.error() == null;
  }

  long written() {
    return (long) written.count();
  }

  long skipped() {
    return (long) skipped.count();
  }

  long failures() {
    return (long) failures.count();
  }

  long deadLetters() {
    return deadLetters.get();
  }

  String lastError() {
    return lastError.get();
  }
}
