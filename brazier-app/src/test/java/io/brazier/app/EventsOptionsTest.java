package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.events.ResponsePublisher;
import io.brazier.events.Written;
import io.brazier.fhir.Fhir;
import io.brazier.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/** The event flags of {@code serve}, {@code events} and {@code proxy}: what they publish where, and bad values. */
class EventsOptionsTest {
  private static final KafkaBroker broker = KafkaBroker.start();
  private static final Fhir fhir = new Fhir(false);
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Command(name = "publish")
  static final class Publishing {
    @Mixin
    EventsOptions events;
  }

  @Test
  void aProxysPublisherSendsTheChosenTypesToTheTopicAndTheQueueAsTheFlagsSay() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    EventsOptions events = parse("--events-kafka", broker.bootstrapServers(), "--events-topic", "events-" + run,
        "--events-types", "Patient", "--sync-queue-topic", "queue-" + run, "--sync-queue-types", "Patient");

    try (ResponsePublisher publisher = events.responsePublisher(fhir)) {
      assertThat(publisher.publish("PUT Patient/p1", List.of(written("Patient", "p1"), written("Observation", "o1"))))
          .isTrue();
    }

    List<ConsumerRecord<String, String>> published = broker.records("events-" + run, 1, Duration.ofSeconds(30));
    List<ConsumerRecord<String, String>> queued = broker.records("queue-" + run, 1, Duration.ofSeconds(30));
    assertThat(published).singleElement().satisfies(record -> assertThat(record.value())
        .contains("\"resourcetype\":\"Patient\"", "\"id\":\"p1\"", "\"action\":\"Updated\""));
    assertThat(queued).singleElement().satisfies(record -> assertThat(record.value()).startsWith("Patient/p1,Update"));
  }

  @Test
  void eventsAreOnOnlyWithABrokerOrAConnectionString() {
    assertThat(parse().enabled()).isFalse();
    assertThat(parse("--events-kafka", "127.0.0.1:9092").enabled()).isTrue();
    assertThat(parse("--events-kafka-connection-string", "Endpoint=sb://ns.servicebus.windows.net/;"
        + "SharedAccessKeyName=send;SharedAccessKey=secret").enabled()).isTrue();
  }

  @Test
  void badValuesAreUsageErrorsNamingTheirFlag() {
    assertThatThrownBy(() -> parse("--events-kafka", "k:9092", "--sync-queue-types", "Patient,Pateint")
        .config(fhir)).isInstanceOf(ParameterException.class)
        .hasMessage("--sync-queue-types: 'Pateint' is not an R4 resource type");
    assertThatThrownBy(() -> parse("--events-kafka", "k:9092", "--events-send-timeout", "PT0.5S").config(fhir))
        .isInstanceOf(ParameterException.class).hasMessageContaining("--events-send-timeout must be at least 1 s");
    assertThatThrownBy(() -> parse("--events-kafka", "k:9092", "--events-unhealthy-after", "PT0S").config(fhir))
        .isInstanceOf(ParameterException.class).hasMessageContaining("--events-unhealthy-after must be positive");
    assertThatThrownBy(() -> parse("--events-kafka", "k:9092", "--events-topic", " ").config(fhir))
        .isInstanceOf(ParameterException.class).hasMessage("--events-topic must name a topic");
    assertThatThrownBy(() -> parse("--events-unhealthy-after", "60")).isInstanceOf(ParameterException.class)
        .hasMessageContaining("--events-unhealthy-after");
  }

  private static EventsOptions parse(String... args) {
    Publishing command = new Publishing();
    new CommandLine(command).parseArgs(args);
    return command.events;
  }

  private static Written written(String type, String id) {
    ObjectNode resource = JSON.createObjectNode().put("resourceType", type).put("id", id);
    return new Written(1, Written.Action.UPDATED, type, id, "2", "2026-12-06T09:00:00Z", null, resource);
  }
}
