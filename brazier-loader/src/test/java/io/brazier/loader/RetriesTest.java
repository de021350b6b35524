package io.brazier.loader;

import io.brazier.client.HttpFhirClient;
import static io.brazier.loader.FrontServer.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.files.Inputs;
import io.brazier.loader.send.Json;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader against a target that answers 429 and 503 before it lets requests through to a real server, one that
 * refuses its writes, and one that needs OAuth2 tokens which expire within seconds.
 */
class RetriesTest {
  private final TestServer server = TestServer.shared();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void a429AndA503AreRetriedAfterTheirRetryAfterAndTheLoadCompletes() throws Exception {
    Samples.write(dir.resolve("p.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"retried\",\"active\":true}\n");
    AtomicInteger calls = new AtomicInteger();
    List<Long> times = new CopyOnWriteArrayList<>();
    HttpServer flaky = FrontServer.serve(server, exchange -> {
      times.add(System.nanoTime());
      int call = calls.incrementAndGet();
      if (call == 1) {
        reply(exchange, 429, "1", "{\"resourceType\":\"OperationOutcome\"}");
      } else if (call == 2) {
        reply(exchange, 503, "0", "{\"resourceType\":\"OperationOutcome\"}");
      } else {
        FrontServer.forward(server, exchange, exchange.getRequestBody().readAllBytes());
      }
    });
    try {
      LoadReport report = load(flaky, LoaderConfig.defaults().withRetries(5, Duration.ofMillis(10)));

      assertThat(report.failures()).isEmpty();
      // Three calls, or more when the real server, busy, answers the passed-on request after the client's timeout.
      assertThat(calls.get()).isGreaterThanOrEqualTo(3);
      assertThat(Duration.ofNanos(times.get(1) - times.get(0))).as("waited as Retry-After: 1 said")
          .isGreaterThanOrEqualTo(Duration.ofMillis(950));
      assertThat(server.client().read().resource(Patient.class).withId("retried").execute().getActive()).isTrue();
    } finally {
      flaky.stop(0);
    }
  }

  @Test
  void entriesThrottledInsideABatchResponseAreSentAgainOnTheirOwn() throws Exception {
    Samples.write(dir.resolve("p.ndjson"), """
        {"resourceType":"Patient","id":"throttled-1"}
        {"resourceType":"Patient","id":"throttled-2"}
        """);
    List<Integer> entriesSent = new CopyOnWriteArrayList<>();
    HttpServer throttling = FrontServer.serve(server, exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int entries = Json.parse(body).path("entry").size();
      entriesSent.add(entries);
      if (entriesSent.size() == 1) {
        // The first entry passes, the second is throttled, as a busy server answers inside a batch.
        ObjectNode answer = Json.parse(post(firstOnly(body)));
        answer.withArray("entry").addObject().putObject("response").put("status", "429 Too Many Requests");
        reply(exchange, 200, null, new String(Json.bytes(answer), StandardCharsets.UTF_8));
      } else {
        FrontServer.forward(server, exchange, body);
      }
    });
    try {
      // As batches: NDJSON goes as transactions otherwise, which a server answers all or nothing.
      LoadReport report = load(throttling, LoaderConfig.defaults().withRetries(3, Duration.ofMillis(10))
          .withModes(true, false));

      assertThat(report.failures()).isEmpty();
      assertThat(report.resources()).isEqualTo(2);
      assertThat(entriesSent).containsExactly(2, 1);
      assertThat(server.client().read().resource(Patient.class).withId("throttled-2").execute()).isNotNull();
    } finally {
      throttling.stop(0);
    }
  }

  private static byte[] firstOnly(byte[] batch) throws IOException {
    ObjectNode bundle = Json.parse(batch);
    var entries = bundle.withArray("entry");
    while (entries.size() > 1) {
      entries.remove(entries.size() - 1);
    }
    return Json.bytes(bundle);
  }

  /** The real server's answer to a batch. */
  private byte[] post(byte[] batch) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()))
          .POST(HttpRequest.BodyPublishers.ofByteArray(batch)).header("Content-Type", "application/fhir+json")
          .build(), BodyHandlers.ofByteArray()).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void aTargetThatKeepsFailingEndsTheFileWithTheReasonAfterMaxRetries() throws Exception {
    Samples.write(dir.resolve("p.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"never\"}\n");
    AtomicInteger calls = new AtomicInteger();
    HttpServer down = FrontServer.serve(server, exchange -> {
      calls.incrementAndGet();
      reply(exchange, 503, null, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"diagnostics\":\"down\"}]}");
    });
    try {
      LoadReport report = load(down, LoaderConfig.defaults().withRetries(2, Duration.ofMillis(10)));

      assertThat(calls.get()).isEqualTo(3);
      assertThat(report.failures()).hasSize(1);
      assertThat(report.failedEntries()).isEqualTo(1);
    } finally {
      down.stop(0);
    }
  }

  @Test
  void aWriteRefusedMidwayStopsTheLoadAtOnceSayingWhatToGiveAndWhatWasLoaded() throws Exception {
    // Reference data goes first, so the Organization is written before the Patients, which the server then refuses.
    Samples.write(dir.resolve("a-orgs.ndjson"), "{\"resourceType\":\"Organization\",\"id\":\"before-refusal\"}\n");
    for (int n = 0; n < 3; n++) {
      Samples.write(dir.resolve("p-" + n + ".ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"refused-" + n + "\"}\n");
    }
    AtomicInteger writes = new AtomicInteger();
    HttpServer refusing = FrontServer.serve(server, exchange -> {
      if (writes.incrementAndGet() == 1) {
        FrontServer.forward(server, exchange, exchange.getRequestBody().readAllBytes());
      } else {
        reply(exchange, 401, null, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
            + "\"code\":\"login\",\"diagnostics\":\"The token has expired.\"}]}");
      }
    });
    try {
      assertThatThrownBy(() -> load(refusing, LoaderConfig.defaults().withSending(1, 100, 100)
          .withRetries(3, Duration.ofMillis(10)))).isInstanceOf(TargetUnavailable.class)
          .hasMessageContaining("answered 401 to a write (POST: The token has expired.)")
          .hasMessageContaining("--token-url, --client-id and --client-secret")
          .hasMessageContaining("Loaded 1 resources from ").hasMessageContaining("What was loaded stays");

      assertThat(writes.get()).as("no write after the refused one, nor a retry of it").isEqualTo(2);
      assertThat(server.client().read().resource(Organization.class).withId("before-refusal").execute()).isNotNull();
    } finally {
      refusing.stop(0);
    }
  }

  @Test
  void aServerThatStopsAnsweringMidwayStopsTheLoadOnceItsRetriesAreSpent() throws Exception {
    // Without the stop, every file left spent its retries on the same outage: half a minute each by default.
    Samples.write(dir.resolve("a-orgs.ndjson"), "{\"resourceType\":\"Organization\",\"id\":\"before-outage\"}\n");
    for (int n = 0; n < 5; n++) {
      Samples.write(dir.resolve("p-" + n + ".ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"lost-" + n + "\"}\n");
    }
    AtomicInteger writes = new AtomicInteger();
    HttpServer going = FrontServer.serve(server, exchange -> {
      if (writes.incrementAndGet() == 1) {
        FrontServer.forward(server, exchange, exchange.getRequestBody().readAllBytes());
      } // else the connection closes without an answer, as a server that went away mid-request leaves it
    });
    try {
      assertThatThrownBy(() -> load(going, LoaderConfig.defaults().withSending(1, 100, 100)
          .withRetries(2, Duration.ofMillis(10)))).isInstanceOf(TargetUnavailable.class)
          .hasMessageContaining("The FHIR server could not be reached after 3 attempts")
          .hasMessageContaining("The load stopped there. Loaded 1 resources from ")
          .hasMessageContaining("once the loader reaches the server again, the same command sends every file again");

      assertThat(writes.get()).as("the first write, then one file's attempts, and nothing after").isEqualTo(1 + 3);
      assertThat(server.client().read().resource(Organization.class).withId("before-outage").execute()).isNotNull();
    } finally {
      going.stop(0);
    }
  }

  private LoadReport load(HttpServer target, LoaderConfig config) throws IOException, InterruptedException {
    var fhir = new HttpFhirClient(URI.create("http://127.0.0.1:" + target.getAddress().getPort() + "/fhir"),
        Optional.empty(), Duration.ofSeconds(120));
    try (Inputs inputs = Inputs.of(List.of(dir.toString()))) {
      return new Load(fhir, config).run(inputs, new LoadTest.Collecting(new CopyOnWriteArrayList<>()));
    }
  }
}
