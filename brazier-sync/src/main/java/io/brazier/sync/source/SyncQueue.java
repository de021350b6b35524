package io.brazier.sync.source;

import io.brazier.client.Change;
import io.brazier.sync.QueueConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sync-queue} topic as a source of changes: each message ({@code Type/id,Action,targetId}, keyed by the
 * patient) is a change without its resource, which the agent reads as it is now. Offsets are committed to the
 * consumer group only once everything before them is applied, so a crash reads again what was not.
 */
public final class SyncQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncQueue.class);
  private static final Pattern ENTRY = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64}),(Create|Update|Delete),"
      + "(.*)");

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;

  /** A message read: its change, the patient it is keyed by (its partition in the agent), and where it was. */
  public record Message(Change change, String patient, TopicPartition partition, long offset) {}

  public SyncQueue(QueueConfig config) {
    this.topic = config.topic();
    this.consumer = new KafkaConsumer<>(properties(config), new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
  }

  static Properties properties(QueueConfig config) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.servers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "brazier-sync");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    if (config.connectionString() != null) {
      properties.put("security.protocol", "SASL_SSL");
      properties.put("sasl.mechanism", "PLAIN");
      properties.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + " username=\"$ConnectionString\" password=\"" + config.connectionString().replace("\\", "\\\\")
          .replace("\"", "\\\"") + "\";");
    }
    return properties;
  }

  /**
   * The messages that arrive within {@code wait}, numbered from {@code after + 1}; a message that is not a queue
   * entry is logged and skipped.
   *
   * @throws SourceException when the broker cannot be read (an outage: status 0)
   */
  public List<Message> poll(Duration wait, long after) throws SourceException {
    List<Message> messages = new ArrayList<>();
    try {
      long sequence = after;
      for (ConsumerRecord<String, byte[]> record : consumer.poll(wait)) {
        String entry = new String(record.value() == null ? new byte[0] : record.value(), StandardCharsets.UTF_8);
        Matcher matcher = ENTRY.matcher(entry);
        if (!matcher.matches()) {
          log.warn("Sync skips a message of {} that is not Type/id,Action,targetId partition={} offset={}", topic,
              record.partition(), record.offset());
          continue;
        }
        Change change = new Change(++sequence, matcher.group(1), matcher.group(2), null, action(matcher.group(3)),
            null, null, null);
        String patient = record.key() != null ? record.key() : change.reference();
        messages.add(new Message(change, patient, new TopicPartition(record.topic(), record.partition()),
            record.offset()));
      }
      return messages;
    } catch (KafkaException e) {
      throw new SourceException(0, "The sync queue " + topic + " cannot be read: " + e.getMessage());
    }
  }

  private static Change.Action action(String name) {
    return switch (name) {
      case "Create" -> Change.Action.CREATE;
      case "Update" -> Change.Action.UPDATE;
      default -> Change.Action.DELETE;
    };
  }

  /** Records in the group that everything before these offsets is applied. */
  public void commit(Map<TopicPartition, Long> next) throws SourceException {
    Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
    next.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
    try {
      consumer.commitSync(offsets);
    } catch (KafkaException e) {
      throw new SourceException(0, "The sync queue's offsets could not be committed: " + e.getMessage());
    }
  }

  /** Stops a poll in progress, from another thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
