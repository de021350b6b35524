package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brazier serve} killed for real (SIGKILL, as the OOM killer or a crash
 * ends it, with no shutdown hook), then started again on the same data directory: it starts, and has lost nothing
 * it acknowledged. A start that fails leaves no PostgreSQL running.
 */
class ServeTest {
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String TAG = "{\"system\":\"urn:brazier:test\",\"code\":\"crash\"}";

  @TempDir
  Path dir;
  private ServeProcess server;

  @AfterEach
  void stopEverything() {
    ServeProcess.stopEverything(server, data());
  }

  /**
   * The JVM alone is killed: its PostgreSQL outlives it, holding the data directory, and the next start stops that
   * one (saying so) before it starts its own, which a usual stop then stops.
   */
  @Test
  void aKillDuringWritesLosesNoAcknowledgedWriteAndTheNextStartStopsThePostgresqlLeftRunning() throws Exception {
    server = ServeProcess.start(data(), dir.resolve("first.log"));
    ProcessHandle left = server.postgres().orElseThrow();
    Writers writers = new Writers(server.baseUrl());

    int inFlight = writers.runUntilKilled(server::kill, 40);

    assertThat(inFlight).as("writes in flight when the server was killed").isPositive();
    assertThat(left.isAlive()).as("the embedded PostgreSQL outlives its killed JVM").isTrue();
    server = ServeProcess.start(data(), dir.resolve("second.log"));
    assertThat(server.log()).contains("left running by a previous run that did not shut down pid=" + left.pid());
    assertThat(left.isAlive()).isFalse();
    assertNothingLostNorHalfWritten(writers);
    ProcessHandle second = server.postgres().orElseThrow();
    server.close();
    assertThat(second.onExit().get(2, TimeUnit.MINUTES).isAlive())
        .as("a server stopped as usual stops its PostgreSQL").isFalse();
  }

  /**
   * A power cut, or the OOM killer ending the server and then PostgreSQL: every process dies at once, no buffer is
   * flushed, and the next start finds a stale postmaster.pid and replays PostgreSQL's write-ahead log.
   */
  @Test
  void aPowerCutDuringWritesLosesNoAcknowledgedWriteAndLeavesNothingHalfWritten() throws Exception {
    server = ServeProcess.start(data(), dir.resolve("first.log"));
    ProcessHandle postgres = server.postgres().orElseThrow();
    Writers writers = new Writers(server.baseUrl());

    int inFlight = writers.runUntilKilled(server::killWithPostgres, 40);

    assertThat(inFlight).as("writes in flight at the power cut").isPositive();
    assertThat(postgres.isAlive()).isFalse();
    server = ServeProcess.start(data(), dir.resolve("second.log"));
    assertThat(server.log()).doesNotContain("left running by a previous run");
    assertNothingLostNorHalfWritten(writers);
  }

  /**
   * SIGTERM, as a service manager stops it: the server closes its parts in order, PostgreSQL last, so that nothing
   * still closing finds the database gone (no warning, no stack trace), and the PostgreSQL is stopped.
   */
  @Test
  void aStopClosesEverythingBeforeItsPostgresql() throws Exception {
    server = ServeProcess.start(data(), dir.resolve("server.log"));
    ProcessHandle postgres = server.postgres().orElseThrow();
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Patient"))
        .header("Content-Type", "application/fhir+json")
        .POST(BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"active\":true}")).build(),
        BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);

    server.close();

    String shutdown = server.log().substring(server.log().indexOf("Shutting down"));
    assertThat(shutdown).doesNotContain(" WARN ", " ERROR ", "Exception");
    assertThat(postgres.onExit().get(2, TimeUnit.MINUTES).isAlive()).isFalse();
  }

  /** A start that fails once PostgreSQL runs (here: its port is taken) stops that PostgreSQL before it gives up. */
  @Test
  void aStartThatCannotListenStopsThePostgresqlItStarted() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Serve serve = ServeArguments.parse("--port", Integer.toString(taken.getLocalPort()), "--data-dir",
          data().toString());

      assertThatThrownBy(serve::start).hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }

    assertThat(data().resolve("postgres").resolve("PG_VERSION")).as("PostgreSQL was started").exists();
    assertThat(ServeProcess.postgres(data())).as("the PostgreSQL it started").isEmpty();
  }

  private void assertNothingLostNorHalfWritten(Writers writers) throws Exception {
    String base = server.baseUrl();
    for (Map.Entry<String, String> created : writers.created.entrySet()) {
      assertThat(get(base + "/Patient/" + created.getValue()).statusCode()).as("acknowledged create").isEqualTo(200);
      assertThat(ids(base + "/Patient?identifier=urn:single%7C" + created.getKey()))
          .containsExactly(created.getValue());
    }
    for (String transaction : writers.transactions) {
      int stored = ids(base + "/Patient?identifier=urn:transaction%7C" + transaction).size();
      assertThat(stored).as("patients of transaction " + transaction).isIn(0, Writers.TRANSACTION_SIZE);
      if (writers.committed.contains(transaction)) {
        assertThat(stored).as("patients of acknowledged transaction " + transaction)
            .isEqualTo(Writers.TRANSACTION_SIZE);
      }
    }
    // What the versions hold (history) and what the index finds (a search) are the same resources.
    assertThat(ids(base + "/Patient?_tag=urn:brazier:test%7Ccrash"))
        .containsExactlyInAnyOrderElementsOf(ids(base + "/Patient/_history"));
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** Writers of single creates and transactions, their outcomes as the client saw them. */
  private static final class Writers {
    static final int TRANSACTION_SIZE = 5;
    private static final int THREADS = 4;

    private final String base;
    /** Acknowledged creates: identifier value to id. */
    final Map<String, String> created = new ConcurrentHashMap<>();
    /** Every transaction sent, by the identifier value its patients share, and those acknowledged. */
    final Set<String> transactions = ConcurrentHashMap.newKeySet();
    final Set<String> committed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean killed = new AtomicBoolean();

    Writers(String base) {
      this.base = base;
    }

    /**
     * Writes from several threads released together until {@code acknowledged} writes were acknowledged, then kills
     * the server with writes under way; returns how many were in flight at that moment.
     */
    int runUntilKilled(Runnable kill, int acknowledged) throws Exception {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      for (int t = 0; t < THREADS; t++) {
        pool.submit(() -> {
          start.await();
          for (int i = 0; !killed.get(); i++) {
            if (!write(i % 2 == 0)) {
              return null;
            }
          }
          return null;
        });
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (created.size() + committed.size() < acknowledged && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      int atKill = inFlight.get();
      killed.set(true);
      kill.run();
      pool.shutdown();
      assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
      assertThat(created.size() + committed.size()).as("writes acknowledged before the kill")
          .isGreaterThanOrEqualTo(acknowledged);
      return atKill;
    }

    /** One write; false once the server no longer answers. */
    private boolean write(boolean single) throws InterruptedException {
      String value = UUID.randomUUID().toString();
      inFlight.incrementAndGet();
      try {
        if (single) {
          HttpResponse<String> response = post("/Patient", patient("urn:single", value));
          if (response.statusCode() == 201) {
            created.put(value, FHIR.newJsonParser().parseResource(Patient.class, response.body()).getIdPart());
          }
        } else {
          transactions.add(value);
          if (post("", transaction(value)).statusCode() == 200) {
            committed.add(value);
          }
        }
        return true;
      } catch (IOException e) {
        return false;
      } finally {
        inFlight.decrementAndGet();
      }
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
      return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/fhir+json")
          .POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private static String patient(String system, String value) {
      return "{\"resourceType\":\"Patient\",\"meta\":{\"tag\":[" + TAG + "]},\"identifier\":[{\"system\":\""
          + system + "\",\"value\":\"" + value + "\"}],\"name\":[{\"family\":\"Crash\"}]}";
    }

    private static String transaction(String value) {
      List<String> entries = new ArrayList<>();
      for (int i = 0; i < TRANSACTION_SIZE; i++) {
        entries.add("{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":"
            + patient("urn:transaction", value) + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
      }
      return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
    }
  }

  /** The ids of every resource a search or history finds, page after page. */
  private static Set<String> ids(String url) throws Exception {
    Set<String> ids = new HashSet<>();
    for (String next = url + (url.contains("?") ? "&" : "?") + "_count=500"; next != null; ) {
      HttpResponse<String> response = get(next);
      assertThat(response.statusCode()).as(next).isEqualTo(200);
      Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
      page.getEntry().forEach(entry -> ids.add(entry.getResource().getIdElement().getIdPart()));
      next = page.getLink(Bundle.LINK_NEXT) == null ? null : page.getLink(Bundle.LINK_NEXT).getUrl();
    }
    return ids;
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.ofString());
  }
}
