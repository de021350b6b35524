package io.brazier.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.KafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the publisher tests share: one Kafka broker and the shared test server (embedded PostgreSQL) per test JVM, and
 * publishers of their own names and topics, so that each test reads only its own messages' topic.
 */
final class Publishers {
  static final ObjectMapper json = Jackson.MAPPER;
  private static KafkaBroker broker;

  private Publishers() {}

  static synchronized KafkaBroker broker() {
    if (broker == null) {
      broker = KafkaBroker.start();
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    }
    return broker;
  }

  static TestServer server() {
    return TestServer.shared();
  }

  /** Unpooled connections to the shared server's database, for the publishers' lease. */
  static DataSource database() {
    var pool = server().database().pool();
    return EventPublisher.database(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
  }

  /** Every write of every type to a topic of its own, nothing queued for the sync agent. */
  static EventsConfig config() {
    return EventsConfig.defaults(broker().bootstrapServers()).withTopics("events-" + unique(),
        "sync-" + unique());
  }

  /** A publisher reading the shared server's feed in process, under a name of its own unless given one. */
  static EventPublisher start(EventsConfig config, String name) {
    ChangeFeed feed = ChangeFeed.inProcess(server().api(), server().baseUrl());
    return new EventPublisher(config, feed, new Messages(config, server().fhir()), database(), name,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start();
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The records of {@code topic} that {@code wanted} keeps, once they are of {@code atLeast} writes, the first of each
   * write only, as a consumer keeps them: delivery is at least once, and a producer replaced after a failed send (a
   * broker slow under load) or a publisher taking over from the checkpoint sends writes again.
   */
  static List<ConsumerRecord<String, String>> awaitRecords(String topic, int atLeast,
      java.util.function.Predicate<ConsumerRecord<String, String>> wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    List<ConsumerRecord<String, String>> records = List.of();
    while (System.nanoTime() < deadline) {
      records = firstOfEach(broker().records(topic, Integer.MAX_VALUE, Duration.ofMillis(500)).stream()
          .filter(wanted).toList());
      if (records.size() >= atLeast) {
        return records;
      }
    }
    return records;
  }

  private static List<ConsumerRecord<String, String>> firstOfEach(List<ConsumerRecord<String, String>> records) {
    Set<Long> seen = new HashSet<>();
    return records.stream().filter(r -> seen.add(sequence(r))).toList();
  }

  static JsonNode event(ConsumerRecord<String, String> record) {
    try {
      return json.readTree(record.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long sequence(ConsumerRecord<String, String> record) {
    return Long.parseLong(new String(record.headers().lastHeader(KafkaSink.SEQUENCE_HEADER).value(),
        StandardCharsets.UTF_8));
  }

  static void await(BooleanSupplier condition, String what) {
    Eventually.until(Duration.ofSeconds(60), what, condition);
  }

  /** A Synthea bundle of the server's test resources (a patient's transaction and the reference data it names). */
  static String synthea(String name) {
    try (InputStream in = new GZIPInputStream(Publishers.class.getResourceAsStream("/synthea/" + name))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
