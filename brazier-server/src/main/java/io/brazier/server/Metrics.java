package io.brazier.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Request metrics by interaction and status, as Prometheus scrapes them from /metrics. */
final class Metrics {
  private final MeterRegistry registry;

  Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A request that completed: its latency, by interaction and status. */
  void record(Timer.Sample sample, String interaction, int status) {
    sample.stop(Timer.builder("brazier.requests")
        .description("FHIR requests by interaction and status")
        .tag("interaction", interaction)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .register(registry));
  }

  /** A request that failed with an error response. */
  void count(String interaction, int status) {
    Counter.builder("brazier.requests.failed")
        .description("FHIR requests answered with an error, by interaction and status")
        .tag("interaction", interaction)
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }
}
