package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.Change;
import io.brazier.sync.QueueConfig;
import io.brazier.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code sync-queue} topic read from a real Kafka broker (KRaft, in the test JVM): each {@code Type/id,Action,
 * targetId} message a change numbered on from where the agent stands, keyed by its patient; anything else skipped;
 * and the group's committed offsets where a new reader goes on.
 */
class SyncQueueTest {
  private static KafkaBroker broker;

  private final String topic = "sync-queue-" + UUID.randomUUID();
  private final String group = "brazier-sync-" + UUID.randomUUID();

  @BeforeAll
  static void startTheBroker() {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopTheBroker() {
    broker.close();
  }

  @Test
  void eachEntryIsAChangeNumberedOnFromTheSequenceGiven() throws Exception {
    send("Patient/p-1", "Patient/p-1,Create,", "Observation/o-1,Update,crm-7", "Patient/p-1,Delete,crm-1");

    try (SyncQueue queue = queue()) {
      List<SyncQueue.Message> read = read(queue, 100, 3);

      assertThat(read).extracting(message -> message.change().sequence()).containsExactly(101L, 102L, 103L);
      assertThat(read).extracting(message -> message.change().reference())
          .containsExactly("Patient/p-1", "Observation/o-1", "Patient/p-1");
      assertThat(read).extracting(message -> message.change().action())
          .containsExactly(Change.Action.CREATE, Change.Action.UPDATE, Change.Action.DELETE);
      assertThat(read).extracting(SyncQueue.Message::patient).containsOnly("Patient/p-1");
      assertThat(read).extracting(SyncQueue.Message::offset).containsExactly(0L, 1L, 2L);
      assertThat(read.get(0).change().resource()).as("the agent reads the resource as it is now").isNull();
    }
  }

  @Test
  void aMessageWithoutKeyIsThePartitionOfItsOwnResource() throws Exception {
    send(null, "Organization/org-1,Update,");

    try (SyncQueue queue = queue()) {
      assertThat(read(queue, 0, 1).get(0).patient()).isEqualTo("Organization/org-1");
    }
  }

  @Test
  void messagesThatAreNoEntriesAreSkippedWithoutAGapInTheNumbers() throws Exception {
    send("Patient/p-1", "hello", "Patient/p-1,Create,", "Patient/p 1,Create,", "patient/p-1,Update,",
        "Patient/p-1,Upsert,", "Patient/" + "x".repeat(65) + ",Update,", "", "Patient/p-1,Update,crm-1");

    try (SyncQueue queue = queue()) {
      List<SyncQueue.Message> read = read(queue, 10, 2);

      assertThat(read).extracting(message -> message.change().sequence()).containsExactly(11L, 12L);
      assertThat(read).extracting(SyncQueue.Message::offset).containsExactly(1L, 7L);
    }
  }

  @Test
  void aNewReaderOfTheGroupGoesOnAfterTheCommittedOffsetAndReadsAgainWhatWasNot() throws Exception {
    send("Patient/p-1", "Patient/p-1,Create,", "Patient/p-1,Update,", "Patient/p-1,Update,");
    try (SyncQueue first = queue()) {
      List<SyncQueue.Message> read = read(first, 0, 3);
      first.commit(Map.of(read.get(0).partition(), read.get(0).offset() + 1));
    }

    try (SyncQueue second = queue()) {
      List<SyncQueue.Message> again = read(second, 0, 2);

      assertThat(again).extracting(SyncQueue.Message::offset).containsExactly(1L, 2L);
    }
  }

  @Test
  void anEventHubsConnectionStringSignsInWithItsQuotesAndBackslashesEscaped() {
    String secret = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a\"b\\c";

    Properties properties = SyncQueue.properties(new QueueConfig(null, secret, "cdsupdates", "brazier-sync"));

    assertThat(properties.getProperty("bootstrap.servers")).isEqualTo("ns.servicebus.windows.net:9093");
    assertThat(properties.getProperty("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(properties.getProperty("sasl.jaas.config")).endsWith("username=\"$ConnectionString\" password=\""
        + "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a\\\"b\\\\c\";");
    assertThat(properties.getProperty("enable.auto.commit")).as("offsets follow what is applied").isEqualTo("false");
  }

  /** Sends {@code values} in order to partition 0 of the test's topic, each keyed by {@code key}. */
  private void send(String key, String... values) throws Exception {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
        broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, 0, key, value)).get();
      }
    }
  }

  private SyncQueue queue() {
    return new SyncQueue(new QueueConfig(broker.bootstrapServers(), null, topic, group));
  }

  /** Polls until {@code count} messages are read (joining the group takes a few polls), numbered after {@code after}. */
  private static List<SyncQueue.Message> read(SyncQueue queue, long after, int count) throws SourceException {
    List<SyncQueue.Message> read = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (read.size() < count && System.nanoTime() < deadline) {
      read.addAll(queue.poll(Duration.ofMillis(500), read.isEmpty() ? after : read.get(read.size() - 1)
          .change().sequence()));
    }
    assertThat(read).hasSize(count);
    return read;
  }
}
