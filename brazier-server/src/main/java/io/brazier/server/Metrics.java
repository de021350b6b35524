package io.brazier.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Request metrics by interaction and status, as Prometheus scrapes them from /metrics. */
final class Metrics {
  private final MeterRegistry registry;

  Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A FHIR request that was answered, well or not: its latency, by interaction and status. */
  void record(String interaction, int status, float millis) {
    Timer.builder("brazier.requests")
        .description("FHIR requests by interaction and status")
        .tag("interaction", interaction)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos((long) (millis * 1_000_000)));
  }
}
