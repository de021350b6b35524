package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The publisher's settings: each bad one refused with the flag to fix, and which types go where. */
class EventsConfigTest {
  private final EventsConfig defaults = EventsConfig.defaults("127.0.0.1:9092");

  @Test
  void everyTypeIsPublishedAndNoneQueuedByDefault() {
    assertThat(defaults.publishes("Observation")).isTrue();
    assertThat(defaults.queues("Observation")).isFalse();
    assertThat(defaults.topic()).isEqualTo("fhirevents");
    assertThat(defaults.syncQueueTopic()).isEqualTo("cdsupdates");
  }

  @Test
  void typesNamedAreTheOnlyOnesPublishedOrQueued() {
    EventsConfig config = defaults.withTypes(Set.of("Patient")).withSyncQueueTypes(Set.of("Observation"));

    assertThat(config.publishes("Patient")).isTrue();
    assertThat(config.publishes("Observation")).isFalse();
    assertThat(config.queues("Observation")).isTrue();
    assertThat(config.queues("Patient")).isFalse();
  }

  @Test
  void eachBadSettingNamesItsFlag() {
    assertThatThrownBy(() -> new EventsConfig(null, null, "t", Set.of(), "q", Set.of(), Duration.ofSeconds(1),
        Duration.ofSeconds(1))).hasMessageContaining("--events-kafka");
    assertThatThrownBy(() -> defaults.withTopics(" ", "q")).hasMessageContaining("--events-topic");
    assertThatThrownBy(() -> defaults.withTopics("t", "")).hasMessageContaining("--sync-queue-topic");
    assertThatThrownBy(() -> defaults.withTimeouts(Duration.ZERO, Duration.ofSeconds(5)))
        .hasMessageContaining("--events-unhealthy-after");
    assertThatThrownBy(() -> defaults.withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(999)))
        .hasMessageContaining("--events-send-timeout");
    assertThatThrownBy(() -> defaults.withTimeouts(null, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--events-unhealthy-after");
  }

  @Test
  void anEventHubsConnectionStringStandsInForTheBootstrapServers() {
    EventsConfig config = new EventsConfig(null, "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;"
        + "SharedAccessKey=s", "t", Set.of(), "q", Set.of(), Duration.ofSeconds(60), Duration.ofSeconds(30));

    assertThat(config.bootstrapServers()).isNull();
    assertThat(config.connectionString()).startsWith("Endpoint=sb://");
  }
}
