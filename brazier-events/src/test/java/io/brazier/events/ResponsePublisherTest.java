package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.events.ResponseWrites.Exchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writes of responses published as they pass, on Kafka's own broker: what a response wrote is acknowledged
 * before {@code publish} returns, what wrote nothing sends nothing, and a broker away is a false once the send
 * timeout has passed.
 */
class ResponsePublisherTest {
  private static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"id\":\"rp-1\",\"meta\":"
      + "{\"versionId\":\"1\",\"lastUpdated\":\"2026-12-05T05:00:00Z\"},\"subject\":{\"reference\":\"Patient/rp-p\"}}";

  @Test
  void aCreatedResourceIsOnTheTopicWhenPublishReturns() {
    EventsConfig config = Publishers.config();
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config,
        Publishers.server().fhir()))) {

      boolean published = publisher.publish(exchange("POST", "Observation", 201, OBSERVATION));

      assertThat(published).isTrue();
    }

    var records = Publishers.broker().records(config.topic(), 1, Duration.ofSeconds(30));
    assertThat(records).singleElement().satisfies(record -> {
      assertThat(record.key()).isEqualTo("Patient/rp-p");
      assertThat(Publishers.event(record).path("action").asText()).isEqualTo("Created");
      assertThat(Publishers.event(record).path("id").asText()).isEqualTo("rp-1");
    });
  }

  @Test
  void aReadOrARefusalPublishesNothingAndNeedsNoBroker() {
    EventsConfig away = EventsConfig.defaults("127.0.0.1:9").withTimeouts(Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    try (ResponsePublisher publisher = new ResponsePublisher(away, new Messages(away,
        Publishers.server().fhir()))) {

      assertThat(publisher.publish(exchange("GET", "Observation/rp-1", 200, OBSERVATION))).isTrue();
      assertThat(publisher.publish(exchange("POST", "Observation", 422, "{}"))).isTrue();
    }
  }

  @Test
  void aBrokerAwayIsAFalseAfterTheSendTimeoutAndTheNextPublishTriesAgain() {
    EventsConfig away = EventsConfig.defaults("127.0.0.1:9").withTimeouts(Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    try (ResponsePublisher publisher = new ResponsePublisher(away, new Messages(away,
        Publishers.server().fhir()))) {

      boolean first = publisher.publish(exchange("PUT", "Observation/rp-1", 200, OBSERVATION));
      boolean second = publisher.publish(exchange("PUT", "Observation/rp-1", 200, OBSERVATION));

      assertThat(first).isFalse();
      assertThat(second).isFalse();
    }
  }

  private static Exchange exchange(String method, String path, int status, String response) {
    return new Exchange(method, path, status, null, null, response.getBytes(StandardCharsets.UTF_8), "10.0.0.7");
  }
}
