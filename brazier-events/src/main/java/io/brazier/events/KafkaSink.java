package io.brazier.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka producer that sends a batch of messages and returns once the broker has acknowledged every one of them
 * ({@code acks=all}). It is idempotent ({@code enable.idempotence}): its own retries never duplicate or reorder a
 * message, so one producer keeps the order of the messages of each key. A batch that fails leaves this producer
 * unusable: the publisher closes it and sends again with a new one, the whole page from its checkpoint or the
 * messages the failure names ({@link BrokerFailure#toSendAgain}).
 */
final class KafkaSink implements AutoCloseable {
  static final String SEQUENCE_HEADER = "fhir-sequence";
  /** How long a sink of pages lets a batch fill before sending it: a page is flushed at once anyway. */
  static final int PAGE_LINGER_MS = 20;
  private static final Pattern ENDPOINT = Pattern.compile("(?i)(?:^|;)\\s*Endpoint\\s*=\\s*sb://([^/;]+)");

  private final KafkaProducer<String, byte[]> producer;
  private final boolean flushes;

  private KafkaSink(EventsConfig config, int lingerMs) {
    this.producer = new KafkaProducer<>(properties(config, lingerMs), new StringSerializer(),
        new ByteArraySerializer());
    this.flushes = lingerMs > 0;
  }

  /** A sink for the pages of the change feed, sent by one thread: a page goes at once, in large batches. */
  static KafkaSink forPages(EventsConfig config) {
    return new KafkaSink(config, PAGE_LINGER_MS);
  }

  /**
   * A sink that many threads send small batches through at once (the writes of a proxy's answers): each message
   * goes as it comes, and a send waits for its own acknowledgements only, not for the other threads' messages as
   * a flush would. Messages sent while the broker is busy with earlier ones still travel together.
   */
  static KafkaSink forAnswers(EventsConfig config) {
    return new KafkaSink(config, 0);
  }

  /**
   * Sends {@code messages} in their order; returns once all are acknowledged, else, once each is acknowledged or
   * failed, throws a BrokerFailure that names the messages to send again.
   */
  void send(List<Message> messages) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(messages.size());
    RuntimeException unsent = null;
    try {
      for (Message message : messages) {
        acks.add(producer.send(record(message)));
      }
      if (flushes) {
        producer.flush(); // the page's last batch goes now, not after the linger
      }
    } catch (KafkaException | IllegalStateException e) {
      // The broker could not be reached, or another thread's failure closed this producer (IllegalStateException).
      unsent = e;
    }
    List<Throwable> failures = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      failures.add(i < acks.size() ? failure(acks.get(i)) : unsent);
    }
    List<Message> again = toSendAgain(messages, failures);
    if (!again.isEmpty()) {
      Throwable first = failures.stream().filter(Objects::nonNull).findFirst().orElseThrow();
      throw new BrokerFailure("The broker did not take a batch of " + messages.size() + ": " + first.getMessage(),
          first, again);
    }
  }

  /**
   * The messages that failed ({@code failures}, null where acknowledged), and every message after one of them with
   * the same topic and key, acknowledged or not, so that sent again a key's messages still end in their order. An
   * idempotent producer writes a partition's batches in order, but a batch it gives up on (delivery timeout) lets the
   * next go under a new epoch, so that a later message of a key may be in while an earlier one is not.
   */
  private static List<Message> toSendAgain(List<Message> messages, List<Throwable> failures) {
    Set<String> failedKeys = new HashSet<>();
    List<Message> again = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      String key = message.topic() + "\n" + message.key();
      if (failures.get(i) != null) {
        failedKeys.add(key);
      }
      if (failedKeys.contains(key)) {
        again.add(message);
      }
    }
    return again;
  }

  /** What failed {@code ack}, once it is done, or null when it is acknowledged. */
  private static Throwable failure(Future<RecordMetadata> ack) {
    try {
      ack.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  private static ProducerRecord<String, byte[]> record(Message message) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(message.topic(), message.key(), message.value());
    if (message.sequence() > 0) {
      record.headers().add(SEQUENCE_HEADER, Long.toString(message.sequence()).getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  /**
   * Whether the broker answers with the partitions of {@code config}'s topic within {@code --events-send-timeout},
   * asked through a new producer: one that knew the topic would answer from what it knew.
   */
  static boolean answers(EventsConfig config) {
    KafkaSink asking = null;
    try {
      asking = forAnswers(config);
      asking.producer.partitionsFor(config.topic());
      return true;
    } catch (KafkaException e) {
      return false;
    } finally {
      if (asking != null) {
        asking.abandon();
      }
    }
  }

  /** Gives up on whatever is still unacknowledged: it is sent again from the checkpoint. */
  void abandon() {
    producer.close(Duration.ZERO);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  static Properties properties(EventsConfig config, int lingerMs) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(config));
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, "brazier-events");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    // A page of the feed is sent at once and flushed: large batches carry it in few requests.
    properties.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    long timeout = config.sendTimeout().toMillis();
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout));
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(500, timeout / 2 - 5)));
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
    if (config.connectionString() == null) {
      // The events of a batch share their field names, types and sources: lz4 shrinks what the broker stores.
      properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    } else {
      // Event Hubs' Kafka endpoint: uncompressed, which every tier takes.
      properties.put("security.protocol", "SASL_SSL");
      properties.put("sasl.mechanism", "PLAIN");
      properties.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + " username=\"$ConnectionString\" password=\"" + quoted(config.connectionString()) + "\";");
    }
    return properties;
  }

  /** The configured servers, or for Event Hubs its namespace's Kafka endpoint, port 9093. */
  static String bootstrapServers(EventsConfig config) {
    if (config.bootstrapServers() != null) {
      return config.bootstrapServers();
    }
    Matcher endpoint = ENDPOINT.matcher(config.connectionString());
    if (!endpoint.find()) {
      throw new IllegalArgumentException("--events-kafka-connection-string has no Endpoint=sb://<namespace>/ to"
          + " connect to; give --events-kafka <namespace>.servicebus.windows.net:9093 as well");
    }
    return endpoint.group(1) + ":9093";
  }

  private static String quoted(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
