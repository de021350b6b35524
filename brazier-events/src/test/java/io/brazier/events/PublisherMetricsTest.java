package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code /metrics} tells of the publisher as it reads pages and the broker acknowledges them. */
class PublisherMetricsTest {
  /** Where lags and delays are measured from: the wall clock would move on while a busy machine runs the test. */
  private final Instant now = Instant.parse("2026-12-06T12:00:00.500Z");
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final PublisherMetrics metrics = new PublisherMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));

  @Test
  void aPageReadAndNotYetAcknowledgedIsLagInChangesAndSeconds() {
    metrics.checkpoint(40);

    metrics.read(50, List.of(written(41, now.minusSeconds(30).toString())));

    assertThat(gauge("brazier.events.lag.changes")).isEqualTo(10);
    assertThat(gauge("brazier.events.lag.seconds")).isEqualTo(30.0);
  }

  @Test
  void anAcknowledgedPageCountsItsMessagesPerTopicAndEndsTheLag() {
    metrics.read(50, List.of(written(49, now.minusSeconds(2).toString())));

    metrics.published(List.of(message("fhirevents"), message("fhirevents"), message("cdsupdates")),
        List.of(written(49, now.minusSeconds(2).toString())), 50);

    assertThat(registry.get("brazier.events.published").tag("topic", "fhirevents").counter().count()).isEqualTo(2);
    assertThat(registry.get("brazier.events.published").tag("topic", "cdsupdates").counter().count()).isEqualTo(1);
    assertThat(gauge("brazier.events.checkpoint")).isEqualTo(50);
    assertThat(gauge("brazier.events.lag.changes")).isZero();
    assertThat(gauge("brazier.events.lag.seconds")).isZero();
    assertThat(registry.get("brazier.events.delay").timer().count()).isEqualTo(1);
  }

  @Test
  void aWriteWhoseTimeCannotBeReadIsPublishedWithoutADelayOrALag() {
    metrics.read(3, List.of(written(3, "yesterday")));

    metrics.published(List.of(message("fhirevents")), List.of(written(3, null)), 3);

    assertThat(registry.get("brazier.events.delay").timer().count()).isZero();
    assertThat(gauge("brazier.events.lag.seconds")).isZero();
  }

  @Test
  void theNewestSequenceSeenNeverGoesBackSoTheLagIsNeverNegative() {
    metrics.read(90, List.of());
    metrics.read(60, List.of());
    metrics.checkpoint(95);

    assertThat(gauge("brazier.events.lag.changes")).isZero();
  }

  @Test
  void errorsAreCountedByWhatFailedAndTheNodeSaysWhetherItPublishes() {
    metrics.error("broker");
    metrics.error("broker");
    metrics.error("feed");
    metrics.publishing(true);

    assertThat(registry.get("brazier.events.errors").tag("kind", "broker").counter().count()).isEqualTo(2);
    assertThat(registry.get("brazier.events.errors").tag("kind", "feed").counter().count()).isEqualTo(1);
    assertThat(gauge("brazier.events.publishing")).isEqualTo(1);
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private static Written written(long sequence, String lastUpdated) {
    return new Written(sequence, Written.Action.UPDATED, "Patient", "p" + sequence, "1", lastUpdated, null, null);
  }

  private static Message message(String topic) {
    return new Message(topic, "Patient/p1", "{}".getBytes(StandardCharsets.UTF_8), 1);
  }
}
