package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SyncMetricsTest {
  /** Where the lag and rate are measured from: the wall clock would move on while a busy machine runs the test. */
  private final Instant now = Instant.parse("2026-12-06T12:00:00.500Z");
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SyncMetrics metrics = new SyncMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));

  @Test
  void changesReadAndNotYetAppliedAreTheLagInChangesAndInSecondsSinceTheOldestCommit() {
    metrics.read(11, now.minusSeconds(30));
    metrics.read(12, now.minusSeconds(10));
    metrics.read(13, null);
    metrics.page(14, false);

    assertThat(metrics.pending()).isEqualTo(3);
    assertThat(metrics.lagSeconds()).isEqualTo(30.0);
    assertThat(metrics.applied()).as("every change before the oldest pending one").isEqualTo(10);
    assertThat(metrics.position()).isEqualTo(14);

    metrics.applied(List.of(11L, 13L), 1, 1);

    assertThat(metrics.pending()).isOne();
    assertThat(metrics.lagSeconds()).isEqualTo(10.0);
    assertThat(metrics.applied()).isEqualTo(11);
    assertThat(metrics.written()).isOne();
    assertThat(metrics.skipped()).isOne();

    metrics.deadLettered(12);

    assertThat(metrics.pending()).isZero();
    assertThat(metrics.lagSeconds()).isZero();
    assertThat(metrics.applied()).as("all read: the feed's position").isEqualTo(14);
    assertThat(metrics.deadLetters()).isOne();
  }

  /**
   * What a status reads while a worker applies changes: a change no longer pending is counted already, so that "none
   * pending" means "every change read is counted" (a test waits for the one and then asserts on the other).
   */
  @Test
  void whoeverSeesAChangeNoLongerPendingSeesItCounted() throws Exception {
    int changes = 200_000;
    CyclicBarrier start = new CyclicBarrier(2);
    AtomicBoolean done = new AtomicBoolean();
    Thread worker = new Thread(() -> {
      await(start);
      for (long sequence = 1; sequence <= changes; sequence++) {
        metrics.read(sequence, null);
        metrics.page(sequence, false);
        metrics.applied(List.of(sequence), 1, 0);
      }
      done.set(true);
    });
    worker.start();
    start.await(10, TimeUnit.SECONDS);
    long midway = 0;
    long missed = 0;
    while (!done.get()) {
      long read = metrics.position(); // in the order a status reads them: every change up to here was read
      long pending = metrics.pending();
      long counted = metrics.written() + metrics.skipped();
      midway += read > 0 && read < changes ? 1 : 0;
      missed += counted + pending < read ? 1 : 0;
    }
    worker.join();

    assertThat(midway).as("statuses read while the worker applied changes").isPositive();
    assertThat(missed).as("statuses with a change neither pending nor counted").isZero();
    assertThat(metrics.written()).isEqualTo(changes);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The feed's end was read, but the target has not all of it yet: a status must not say it is up to date. */
  @Test
  void changesReadAndNotYetAppliedMeanTheAgentIsNotCaughtUp() {
    metrics.read(11, now.minusSeconds(30));
    metrics.page(12, false);

    assertThat(metrics.caughtUp()).isFalse();

    metrics.applied(List.of(11L), 1, 0);

    assertThat(metrics.caughtUp()).isTrue();
  }

  @Test
  void aSourceThatCannotBeReadKeepsItsReasonUntilItIsReadAgain() {
    metrics.page(12, false);
    metrics.sourceFailed("http://fhir/fhir refused the connection");

    assertThat(metrics.sourceError()).isEqualTo("http://fhir/fhir refused the connection");
    assertThat(metrics.caughtUp()).isFalse();

    metrics.sourceRead();

    assertThat(metrics.sourceError()).isNull();
    assertThat(metrics.caughtUp()).isTrue();
  }

  @Test
  void aSourceIsDownOnceItsReadsHaveFailedWithoutABreakForTheGraceSayingSinceWhenAndWhy() {
    AtomicReference<Instant> time = new AtomicReference<>(now);
    SyncMetrics failing = new SyncMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock(time));

    failing.sourceFailed("connection refused");
    time.set(now.plusSeconds(29));
    failing.sourceFailed("http://fhir/fhir refused the connection");
    String within = failing.sourceDown(Duration.ofSeconds(30));
    String withoutGrace = failing.sourceDown(Duration.ZERO);
    time.set(now.plusSeconds(30));
    String after = failing.sourceDown(Duration.ofSeconds(30));
    failing.sourceRead();
    String read = failing.sourceDown(Duration.ZERO);

    assertThat(within).isNull();
    assertThat(withoutGrace).as("no grace: down at the first failed read")
        .isEqualTo("cannot be read since 2026-12-06T12:00:00.500Z (29 s): http://fhir/fhir refused the connection");
    assertThat(after).startsWith("cannot be read since 2026-12-06T12:00:00.500Z (30 s): ");
    assertThat(read).isNull();
  }

  /** A clock that reads {@code time}, which the test moves. */
  private static Clock clock(AtomicReference<Instant> time) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Instant instant() {
        return time.get();
      }
    };
  }

  @Test
  void aFullPageMeansTheAgentIsNotCaughtUp() {
    metrics.page(500, true);

    assertThat(metrics.caughtUp()).isFalse();
  }

  @Test
  void theRateCountsWhatWasAppliedAndBackfilledOverTheLastTenSeconds() {
    metrics.applied(List.of(), 40, 10);
    metrics.backfilled(50);

    assertThat(metrics.rate()).isEqualTo(10.0);
  }

  @Test
  void failuresKeepTheLastError() {
    metrics.failed("writing 3 changes: connection reset");
    metrics.failed("Patient/1: 'abc' is not an integer");

    assertThat(metrics.failures()).isEqualTo(2);
    assertThat(metrics.lastError()).isEqualTo("Patient/1: 'abc' is not an integer");
  }

  @Test
  void prometheusScrapesEveryMeterWithItsLagPercentiles() {
    metrics.read(1, now.minusMillis(250));
    metrics.applied(List.of(1L), 1, 0);
    metrics.deadLetters(3);

    String scrape = registry.scrape();

    assertThat(scrape).contains("brazier_sync_changes_total{outcome=\"written\"} 1.0",
        "brazier_sync_changes_total{outcome=\"skipped\"} 0.0", "brazier_sync_changes_total{outcome=\"dead_lettered\"}",
        "brazier_sync_failures_total", "brazier_sync_backfill_resources_total", "brazier_sync_lag_seconds_count 1",
        "brazier_sync_lag_seconds{quantile=\"0.99\"}", "brazier_sync_pending_changes 0.0",
        "brazier_sync_oldest_pending_seconds", "brazier_sync_feed_position", "brazier_sync_dead_letters 3.0");
  }
}
