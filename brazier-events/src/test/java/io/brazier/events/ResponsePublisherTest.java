package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.events.ResponseWrites.Exchange;
import io.brazier.testkit.ClosedPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The writes of responses published as they pass, on Kafka's own broker: what a response wrote is acknowledged
 * before {@code publish} returns, what wrote nothing sends nothing, and a broker away is waited for, sending again
 * what it failed, until the publisher closes or the broker has been away for {@code --events-unhealthy-after}.
 */
class ResponsePublisherTest {
  private static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"id\":\"rp-1\",\"meta\":"
      + "{\"versionId\":\"1\",\"lastUpdated\":\"2026-12-05T05:00:00Z\"},\"subject\":{\"reference\":\"Patient/rp-p\"}}";

  @Test
  void aCreatedResourceIsOnTheTopicWhenPublishReturns() {
    EventsConfig config = Publishers.config();
    try (ResponsePublisher publisher = publisher(config)) {

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

  /**
   * The broker is stopped while the writers publish, so that none is answered: every writer is then waiting in the
   * producer's send at once (not queued behind one another's round trip), and each is answered once it is back.
   */
  @Test
  void concurrentPublishesWaitForTheBrokerTogetherAndEveryMessageArrives() throws Exception {
    EventsConfig config = Publishers.config().withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60));
    int writers = 4;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Thread> threads = new CopyOnWriteArrayList<>();
    try (ResponsePublisher publisher = publisher(config)) {
      publisher.publish(exchange("POST", "Observation", 201, observation("rp-warm", "rp-warm")));
      Publishers.broker().stop();
      List<Future<Boolean>> published;
      try {
        published = IntStream.range(0, writers).mapToObj(i -> pool.submit(() -> {
          threads.add(Thread.currentThread());
          start.await();
          return publisher.publish(exchange("POST", "Observation", 201, observation("rp-c" + i, "rp-p" + i)));
        })).toList();

        Publishers.await(() -> threads.size() == writers && threads.stream().allMatch(ResponsePublisherTest::sending),
            "every writer waits in the producer's send at once");
      } finally {
        Publishers.broker().restart();
      }

      for (Future<Boolean> answer : published) {
        assertThat(answer.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    var records = Publishers.broker().records(config.topic(), writers + 1, Duration.ofSeconds(30));
    assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("Patient/rp-warm", "Patient/rp-p0",
        "Patient/rp-p1", "Patient/rp-p2", "Patient/rp-p3");
  }

  @Test
  void aReadOrARefusalPublishesNothingAndNeedsNoBroker() {
    EventsConfig away = EventsConfig.defaults(ClosedPort.address()).withTimeouts(Duration.ofSeconds(1),
        Duration.ofSeconds(1));
    try (ResponsePublisher publisher = publisher(away)) {

      assertThat(publisher.publish(exchange("GET", "Observation/rp-1", 200, OBSERVATION))).isTrue();
      assertThat(publisher.publish(exchange("POST", "Observation", 422, "{}"))).isTrue();
    }
  }

  /**
   * The broker is away for several send timeouts, each costing the producer: the messages are sent again until it is
   * back, and publish returns once it took them.
   */
  @Test
  void aBrokerAwayIsWaitedForAndWhatItFailedArrivesOnceBack() throws Exception {
    EventsConfig config = Publishers.config().withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(1));
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (ResponsePublisher publisher = publisher(config)) {
      publisher.publish(exchange("POST", "Observation", 201, observation("rp-before", "rp-away")));
      Future<Boolean> published;
      Publishers.broker().stop();
      try {
        published = writer.submit(() -> publisher.publish(exchange("PUT", "Observation/rp-1", 200,
            observation("rp-away", "rp-away"))));
        Thread.sleep(3 * config.sendTimeout().toMillis());
      } finally {
        Publishers.broker().restart();
      }

      assertThat(published.get(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      writer.shutdownNow();
    }
    assertThat(Publishers.broker().records(config.topic(), 2, Duration.ofSeconds(30)))
        .extracting(record -> Publishers.event(record).path("id").asText()).containsExactly("rp-before", "rp-away");
  }

  @Test
  void aPublishWaitingForABrokerAwayGivesUpWhenThePublisherCloses() throws Exception {
    EventsConfig away = EventsConfig.defaults(ClosedPort.address()).withTimeouts(Duration.ofSeconds(60),
        Duration.ofSeconds(1));
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> published;
      try (ResponsePublisher publisher = publisher(away)) {
        published = stillWaiting(writer, publisher, away);
      }

      assertThat(published.get(30, TimeUnit.SECONDS)).isFalse();
    } finally {
      writer.shutdownNow();
    }
  }

  /**
   * The write is done upstream: a client kept waiting for longer than the broker may be away before the node is
   * unhealthy would give up and write again, so the answer stops waiting then, and the events are logged as lost.
   */
  @Test
  void aPublishGivesUpOnceTheBrokerHasBeenAwayForUnhealthyAfter() throws Exception {
    EventsConfig away = EventsConfig.defaults(ClosedPort.address()).withTimeouts(Duration.ofSeconds(4),
        Duration.ofSeconds(1));
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (ResponsePublisher publisher = publisher(away)) {
      Future<Boolean> published = stillWaiting(writer, publisher, away);

      assertThat(published.get(30, TimeUnit.SECONDS)).isFalse();
    } finally {
      writer.shutdownNow();
    }
  }

  /**
   * What the proxy's {@code /healthz} asks: a broker that failed the sends of an answer for
   * {@code --events-unhealthy-after} is a problem until it is back, learnt without a write passing: a proxy a load
   * balancer took out for it gets none.
   */
  @Test
  void aBrokerThatFailedSendsForUnhealthyAfterIsAProblemUntilItIsBackWithoutAWriteToTellIt() {
    EventsConfig config = Publishers.config().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1));
    try (ResponsePublisher publisher = publisher(config)) {
      publisher.publish(exchange("POST", "Observation", 201, observation("rp-healthy", "rp-health")));
      String before = publisher.problem();
      boolean publishedWhileAway;
      Publishers.broker().stop();
      try {
        publishedWhileAway = publisher.publish(exchange("PUT", "Observation/rp-1", 200,
            observation("rp-unhealthy", "rp-health")));
        Publishers.await(() -> publisher.problem() != null, "the broker away is a problem");
      } finally {
        Publishers.broker().restart();
      }
      Publishers.await(() -> publisher.problem() == null, "the broker back is no problem, with no write");

      boolean publishedOnceBack = publisher.publish(exchange("PUT", "Observation/rp-1", 200,
          observation("rp-back", "rp-health")));

      assertThat(before).isNull();
      assertThat(publishedWhileAway).isFalse();
      assertThat(publishedOnceBack).isTrue();
      assertThat(publisher.problem()).isNull();
    }
  }

  private static ResponsePublisher publisher(EventsConfig config) {
    return new ResponsePublisher(config, new Messages(config, Publishers.server().fhir()));
  }

  /** A publish of an update, started on {@code writer}, that the broker away still keeps after two send timeouts. */
  private static Future<Boolean> stillWaiting(ExecutorService writer, ResponsePublisher publisher,
      EventsConfig config) throws InterruptedException {
    Future<Boolean> published = writer.submit(() -> publisher.publish(exchange("PUT", "Observation/rp-1", 200,
        OBSERVATION)));
    Thread.sleep(2 * config.sendTimeout().toMillis());
    assertThat(published).isNotDone();
    return published;
  }

  /** Whether {@code thread} is in the producer's send, waiting for the broker. */
  private static boolean sending(Thread thread) {
    return Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(KafkaSink.class.getName())
        && frame.getMethodName().equals("send"));
  }

  private static String observation(String id, String patient) {
    return OBSERVATION.replace("\"rp-1\"", "\"" + id + "\"").replace("Patient/rp-p", "Patient/" + patient);
  }

  private static Exchange exchange(String method, String path, int status, String response) {
    return new Exchange(method, path, status, null, null, response.getBytes(StandardCharsets.UTF_8), "10.0.0.7");
  }
}
