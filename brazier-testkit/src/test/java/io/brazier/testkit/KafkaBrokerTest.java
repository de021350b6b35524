package io.brazier.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {
  private static final KafkaBroker broker = KafkaBroker.start();

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void recordsSentAreReadBackInOrderPerKey() throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>("ordered", "key" + (i % 3), Integer.toString(i))).get();
      }
    }

    var records = broker.records("ordered", 20, Duration.ofSeconds(30));

    assertThat(records).hasSize(20);
    assertThat(records.stream().filter(r -> r.key().equals("key1")).map(ConsumerRecord::value))
        .containsExactly("1", "4", "7", "10", "13", "16", "19");
    assertThat(records.stream().map(ConsumerRecord::partition).distinct().count()).as("partitions used")
        .isGreaterThan(1);
  }

  @Test
  void aRestartedBrokerKeepsWhatItHadAndTakesMore() throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>("restarted", "k", "before")).get(30, TimeUnit.SECONDS);
    }

    broker.stop();
    broker.restart();
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>("restarted", "k", "after")).get(30, TimeUnit.SECONDS);
    }

    assertThat(broker.records("restarted", 2, Duration.ofSeconds(30))).extracting(ConsumerRecord::value)
        .containsExactly("before", "after");
  }

  private static KafkaProducer<String, String> producer() {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(config);
  }
}
