package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brazier events}: its flags, and a publisher process killed for real in the middle of a stream of writes. */
class EventsCommandTest {
  private static final KafkaBroker broker = KafkaBroker.start();
  private final TestServer server = TestServer.shared();

  @TempDir
  Path dir;

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void withoutABrokerItSaysWhatToSetAndExitsNonZero() {
    Run run = run("events", "--data-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--events-kafka HOST:PORT").doesNotContain("Exception");
  }

  @Test
  void anUnknownTypeIsRefusedByName() {
    Run run = run("events", "--events-kafka", "127.0.0.1:9", "--events-types", "Patient,Unicorn");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--events-types: 'Unicorn' is not an R4 resource type");
  }

  @Test
  void aPublisherKilledMidStreamLosesNothingAndRepeatsOnlyWhatItHadNotCheckpointed() throws Exception {
    String topic = "killed";
    IGenericClient client = server.client();
    List<String> written = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Process> publishers = new ArrayList<>();
    try {
      publishers.add(publisher(topic, "first"));
      String warmUp = client.create().resource(new Patient()).execute().getId().getIdPart();
      await(() -> broker.records(topic, 1, Duration.ofMillis(500)).stream()
          .anyMatch(r -> r.key().equals("Patient/" + warmUp)), "the first publisher publishes");
      CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
        while (!stop.get()) {
          String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
          synchronized (written) {
            written.add(id);
          }
          LockSupport.parkNanos(20_000_000); // a steady stream, not a flood to wait for
        }
      });
      await(() -> broker.records(topic, 31, Duration.ofMillis(500)).size() >= 31, "it publishes the stream");

      publishers.get(0).destroyForcibly().waitFor(); // SIGKILL as writes go on: no shutdown hook, no clean close
      long checkpointAtKill = checkpoint();
      int writtenAtKill = size(written);
      publishers.add(publisher(topic, "second"));
      await(() -> size(written) >= writtenAtKill + 50, "writes go on after the kill");
      stop.set(true);
      writes.join();
      List<ConsumerRecord<String, String>> records = awaitAll(topic, Set.copyOf(written));

      // A repeat is one change (one sequence) sent twice; one patient's key carries many changes.
      Map<Long, Long> sendsBySequence = records.stream()
          .collect(Collectors.groupingBy(EventsCommandTest::sequence, Collectors.counting()));
      assertThat(records).extracting(ConsumerRecord::key).as("every write published").containsAll(
          written.stream().map(id -> "Patient/" + id).collect(Collectors.toSet()));
      sendsBySequence.forEach((sequence, sends) -> {
        if (sends > 1) {
          assertThat(sequence).as("a repeated change was not checkpointed").isGreaterThan(checkpointAtKill);
        }
      });
    } finally {
      stop.set(true);
      for (Process publisher : publishers) {
        publisher.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * {@code brazier events} in a JVM of its own, over HTTP from the test server, its lease in the test database; its
   * log in {@code target/events-<name>.log}.
   */
  private Process publisher(String topic, String name) throws IOException {
    var pool = server.database().pool();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        Brazier.class.getName(), "events", "--fhir-url", server.baseUrl(), "--db-url", pool.getJdbcUrl(),
        "--db-user", pool.getUsername(), "--db-pool-size", "2", "--events-kafka", broker.bootstrapServers(),
        "--events-topic", topic, "--port", "0")
        .redirectErrorStream(true).redirectOutput(Path.of("target", "events-" + name + ".log").toFile()).start();
  }

  private static int size(List<String> written) {
    synchronized (written) {
      return written.size();
    }
  }

  private long checkpoint() throws SQLException {
    var pool = server.database().pool();
    try (Connection connection = DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), null);
        ResultSet row = connection.createStatement().executeQuery(
            "SELECT sequence FROM brazier_events.checkpoint WHERE publisher = 'default'")) {
      return row.next() ? row.getLong(1) : 0;
    }
  }

  private static List<ConsumerRecord<String, String>> awaitAll(String topic, Set<String> ids) {
    List<ConsumerRecord<String, String>> records = List.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      records = broker.records(topic, Integer.MAX_VALUE, Duration.ofSeconds(1));
      Set<String> seen = records.stream().map(r -> r.key().substring("Patient/".length())).collect(Collectors.toSet());
      if (seen.containsAll(ids)) {
        break;
      }
    }
    return records;
  }

  private static long sequence(ConsumerRecord<String, String> record) {
    return Long.parseLong(new String(record.headers().lastHeader("fhir-sequence").value(), StandardCharsets.UTF_8));
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) {
    Eventually.until(Duration.ofSeconds(120), what, condition);
  }

  private record Run(int exitCode, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var commandLine = Brazier.commandLine(args);
    commandLine.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, err.toString(StandardCharsets.UTF_8));
  }
}
