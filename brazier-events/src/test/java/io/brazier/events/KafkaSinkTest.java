package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.testkit.ClosedPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaSinkTest {
  private static final String CONNECTION_STRING = "Endpoint=sb://brazier-ns.servicebus.windows.net/;"
      + "SharedAccessKeyName=send;SharedAccessKey=abc\"def=";

  @Test
  void theProducerIsIdempotentAndWaitsForEveryReplica() {
    Properties properties = KafkaSink.properties(EventsConfig.defaults("kafka:9092"), KafkaSink.PAGE_LINGER_MS);

    assertThat(properties).containsEntry("bootstrap.servers", "kafka:9092").containsEntry("enable.idempotence", "true")
        .containsEntry("acks", "all").containsEntry("max.in.flight.requests.per.connection", "5")
        .containsEntry("compression.type", "lz4").containsEntry("linger.ms", "20")
        .doesNotContainKey("security.protocol");
  }

  @Test
  void aSinkOfAnswersSendsEachMessageAsItComesWithoutLingering() {
    EventsConfig config = Publishers.config();
    try (KafkaSink sink = KafkaSink.forAnswers(config)) {
      sink.send(List.of(message(config.topic(), "Patient/2", 1)));
    }

    assertThat(KafkaSink.properties(config, 0)).containsEntry("linger.ms", "0");
    assertThat(Publishers.broker().records(config.topic(), 1, Duration.ofSeconds(30)))
        .extracting(Publishers::sequence).containsExactly(1L);
  }

  @Test
  void anEventHubsConnectionStringSignsInAsConnectionStringOverSaslSsl() {
    EventsConfig config = new EventsConfig(null, CONNECTION_STRING, "fhirevents", java.util.Set.of(), "cdsupdates",
        java.util.Set.of(), Duration.ofSeconds(60), Duration.ofSeconds(30));

    Properties properties = KafkaSink.properties(config, 0);

    assertThat(properties).containsEntry("bootstrap.servers", "brazier-ns.servicebus.windows.net:9093")
        .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
        .doesNotContainKey("compression.type");
    assertThat(properties.getProperty("sasl.jaas.config")).contains("username=\"$ConnectionString\"")
        .contains("password=\"Endpoint=sb://brazier-ns.servicebus.windows.net/;SharedAccessKeyName=send;"
            + "SharedAccessKey=abc\\\"def=\";");
  }

  @Test
  void aConnectionStringWithoutAnEndpointNeedsTheServersNamed() {
    EventsConfig config = new EventsConfig(null, "SharedAccessKey=x", "fhirevents", java.util.Set.of(), "cdsupdates",
        java.util.Set.of(), Duration.ofSeconds(60), Duration.ofSeconds(30));

    assertThatThrownBy(() -> KafkaSink.bootstrapServers(config)).hasMessageContaining("--events-kafka");
  }

  @Test
  void sendingReturnsOnceTheBrokerAcknowledgedEveryMessage() {
    EventsConfig config = Publishers.config();
    try (KafkaSink sink = KafkaSink.forPages(config)) {
      sink.send(List.of(message(config.topic(), "Patient/1", 1), message(config.topic(), "Patient/1", 2)));
    }

    assertThat(Publishers.broker().records(config.topic(), 2, Duration.ofSeconds(30)))
        .extracting(Publishers::sequence).containsExactly(1L, 2L);
  }

  /**
   * A message the producer refuses (larger than a request may be) fails alone: the failure names it and the message
   * of its key after it, which went but must go again after it to keep the key's order, not the other keys' messages.
   */
  @Test
  void aFailedSendNamesWhatToSendAgainNotWhatTheBrokerTookBeforeOrForOtherKeys() {
    EventsConfig config = Publishers.config();
    Message before = message(config.topic(), "Patient/1", 1);
    Message refused = new Message(config.topic(), "Patient/2", new byte[2 << 20], 2);
    Message after = message(config.topic(), "Patient/2", 3);
    Message other = message(config.topic(), "Patient/3", 4);
    try (KafkaSink sink = KafkaSink.forAnswers(config)) {
      assertThatThrownBy(() -> sink.send(List.of(before, refused, after, other)))
          .isInstanceOfSatisfying(BrokerFailure.class,
              failure -> assertThat(failure.toSendAgain()).containsExactly(refused, after));
    }

    assertThat(Publishers.broker().records(config.topic(), 3, Duration.ofSeconds(30)))
        .extracting(Publishers::sequence).containsExactlyInAnyOrder(1L, 3L, 4L);
  }

  @Test
  void aBrokerAnswersWithItsTopicsPartitionsAndOneAwayDoesNotWithinTheSendTimeout() {
    EventsConfig away = EventsConfig.defaults(ClosedPort.address()).withTimeouts(Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    long asked = System.nanoTime();

    boolean awayAnswers = KafkaSink.answers(away);
    Duration waited = Duration.ofNanos(System.nanoTime() - asked);

    assertThat(KafkaSink.answers(Publishers.config())).isTrue();
    assertThat(awayAnswers).isFalse();
    assertThat(waited).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aBrokerThatNeverAnswersFailsTheSendWithinTheSendTimeout() {
    EventsConfig config = EventsConfig.defaults(ClosedPort.address()).withTimeouts(Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    KafkaSink sink = KafkaSink.forPages(config);
    try {
      assertThatThrownBy(() -> sink.send(List.of(message("nowhere", "Patient/1", 1))))
          .isInstanceOf(BrokerFailure.class);
    } finally {
      sink.abandon();
    }
  }

  private static Message message(String topic, String key, long sequence) {
    return new Message(topic, key, ("{\"n\":" + sequence + "}").getBytes(StandardCharsets.UTF_8), sequence);
  }
}
