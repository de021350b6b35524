package io.brazier.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Request metrics by interaction and status, as Prometheus scrapes them from /metrics. */
final class Metrics {
  private final MeterRegistry registry;
  // Registering looks the meter up by name and tags: cheaper to do once per interaction and status.
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A FHIR request that was answered, well or not: its latency, by interaction and status. */
  void record(String interaction, int status, float millis) {
    timers.computeIfAbsent(interaction + " " + status, key -> Timer.builder("brazier.requests")
            .description("FHIR requests by interaction and status")
            .tag("interaction", interaction)
            .tag("status", Integer.toString(status))
            .publishPercentileHistogram()
            .register(registry))
        .record(Duration.ofNanos((long) (millis * 1_000_000)));
  }
}
