package io.brazier.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Kafka's own broker, one KRaft node that is both broker and controller, in the test JVM: started on free ports in a
 * directory of its own, stopped and started again on the same ports with the same data (an outage), read back whole
 * by {@link #records}. Topics are created on first use with {@link #PARTITIONS} partitions, so that a test of
 * ordering by key sees keys spread over partitions.
 */
public final class KafkaBroker implements AutoCloseable {
  public static final int PARTITIONS = 4;

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  private KafkaBroker(Path dir, int port, int controllerPort) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** A broker on free ports of the loopback address, its data in a new temporary directory. */
  public static KafkaBroker start() {
    try {
      Path dir = Files.createTempDirectory("brazier-kafka");
      int[] ports = freePorts();
      KafkaBroker broker = new KafkaBroker(dir, ports[0], ports[1]);
      broker.format();
      broker.restart();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not make the broker's directory", e);
    }
  }

  /** {@code host:port}, as a client's {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Stops the broker, as an outage would: clients lose it, its data stays for {@link #restart}. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts the broker (again) on the same ports with the same data. */
  public synchronized void restart() {
    if (server == null) {
      server = new KafkaRaftServer(KafkaConfig.fromProps(config(), false), Time.SYSTEM);
      server.startup();
    }
  }

  /**
   * Every record of {@code topic} from its start, once it holds at least {@code atLeast}, or what it holds after
   * {@code timeout}; each partition's records in their order, partitions one after the other.
   */
  public List<ConsumerRecord<String, String>> records(String topic, int atLeast, Duration timeout) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < atLeast && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
      records.sort(Comparator.<ConsumerRecord<String, String>>comparingInt(ConsumerRecord::partition)
          .thenComparingLong(ConsumerRecord::offset));
      return records;
    }
  }

  @Override
  public void close() {
    stop();
    TempFolders.delete(dir);
  }

  private void format() {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logs().toString()))
          .setMetadataLogDirectory(logs().toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Could not format the broker's storage in " + dir, e);
    }
  }

  private Properties config() {
    Properties config = new Properties();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("log.dirs", logs().toString());
    config.put("num.partitions", Integer.toString(PARTITIONS));
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "true");
    return config;
  }

  private Properties consumerConfig() {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return config;
  }

  private Path logs() {
    return dir.resolve("logs");
  }

  /** Two free ports, held open together while they are chosen so that they differ. */
  private static int[] freePorts() throws IOException {
    try (ServerSocket first = new ServerSocket(0); ServerSocket second = new ServerSocket(0)) {
      return new int[] {first.getLocalPort(), second.getLocalPort()};
    }
  }
}
