package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.LoaderConfig;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Batches to a real server, through a gateway in front of it that throttles chosen entries, refuses large requests
 * with 413 or breaks its answers, as busy servers and proxies do.
 */
class BatchSendTest {
  private static final ExecutorService CHUNKS = Executors.newFixedThreadPool(2);
  private static final TestServer server = TestServer.shared();
  private static final FhirClient real = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
      Duration.ofSeconds(90));
  private final String prefix = UUID.randomUUID().toString().substring(0, 8);
  private final Answers answers = new Answers();
  /** The ids of each batch that reached the gateway, in order. */
  private final List<List<String>> sent = new CopyOnWriteArrayList<>();

  @AfterAll
  static void stop() {
    CHUNKS.shutdownNow();
  }

  @Test
  void anEntryThrottledInsideABatchIsSentAgainAloneUntilItPassesAndTheOthersAreNotSentTwice() throws Exception {
    Map<String, Integer> throttles = new ConcurrentHashMap<>(Map.of(id("b"), 2));
    FhirClient gateway = throttling(id -> throttles.merge(id, -1, Integer::sum) >= 0);

    send(gateway, 3, 10, patient("a"), patient("b"), patient("c"));

    assertThat(answers.loaded()).isEqualTo(3);
    assertThat(answers.failed()).isZero();
    assertThat(sent).containsExactly(ids("a", "b", "c"), ids("b"), ids("b"));
    assertThat(server.client().read().resource(Patient.class).withId(id("b")).execute()).isNotNull();
  }

  @Test
  void anEntryStillThrottledAfterTheRetriesIsReportedAsThrottledAndTheRestIsLoaded() throws Exception {
    FhirClient gateway = throttling(id -> id.equals(id("b")));

    send(gateway, 2, 10, patient("a"), patient("b"), patient("c"));

    assertThat(sent).containsExactly(ids("a", "b", "c"), ids("b"), ids("b"));
    assertThat(answers.loaded()).isEqualTo(2);
    assertThat(answers.failed()).isEqualTo(1);
    JsonNode report = Json.parse(answers.report("p.ndjson"));
    assertThat(report.path("errors")).isEmpty();
    assertThat(report.path("throttled")).hasSize(1);
    assertThat(report.path("throttled").path(0).path("index").asInt()).isEqualTo(2);
    assertThat(report.path("throttled").path(0).path("resource").path("resource").path("id").asText())
        .isEqualTo(id("b"));
    assertThat(answers.reason()).contains("0 entries failed and 1 stayed throttled");
  }

  @Test
  void aChunkRefusedAsTooLargeIsHalvedUntilEachPartFits() throws Exception {
    FhirClient gateway = gateway(call -> entries(call).size() > 2 ? reply(413, "{}") : real.send(call));

    send(gateway, 0, 10, patient("a"), patient("b"), patient("c"), patient("d"), patient("e"));

    assertThat(sent).containsExactly(ids("a", "b", "c", "d", "e"), ids("a", "b"), ids("c", "d", "e"), ids("c"),
        ids("d", "e"));
    assertThat(answers.loaded()).isEqualTo(5);
    assertThat(Json.parse(answers.result("batch")).path("entry")).extracting(e -> e.path("response")
        .path("location").asText()).allMatch(location -> location.startsWith("Patient/" + prefix));
  }

  @Test
  void anEntryTheServerRejectsFailsWithItsAnswerWhileItsBatchLoads() throws Exception {
    ObjectNode robot = patient("b");
    ((ObjectNode) robot.get("resource")).put("gender", "robot");

    send(gateway(real::send), 0, 10, patient("a"), robot, patient("c"));

    assertThat(sent).hasSize(1);
    assertThat(answers.loaded()).isEqualTo(2);
    List<ObjectNode> failed = answers.unanswered();
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).path("index").asInt()).isEqualTo(2);
    assertThat(failed.get(0).path("response").path("status").asText()).startsWith("400");
  }

  @Test
  void statusesAreReadWhateverTheirTextSoABareCodeCountsAsAnswered() throws Exception {
    FhirClient gateway = gateway(call -> {
      ObjectNode answer = Json.parse(real.send(call).body());
      answer.withArray("entry").forEach(entry -> ((ObjectNode) entry.path("response"))
          .put("status", entry.path("response").path("status").asText().substring(0, 3)));
      return reply(200, new String(Json.bytes(answer), StandardCharsets.UTF_8));
    });

    send(gateway, 0, 10, patient("a"), patient("b"));

    assertThat(answers.loaded()).isEqualTo(2);
    assertThat(answers.failed()).isZero();
  }

  @Test
  void entriesGoAfterTheEntriesTheyReferToAndEveryChunkOfALevelIsSent() throws Exception {
    ObjectNode observation = Json.object();
    observation.putObject("resource").put("resourceType", "Observation").put("id", id("o")).put("status", "final")
        .putObject("subject").put("reference", "Patient/" + id("a"));
    ((ObjectNode) observation.get("resource")).putObject("code").put("text", "weight");
    observation.putObject("request").put("method", "PUT").put("url", "Observation/" + id("o"));

    send(gateway(real::send), 0, 1, observation, patient("a"), patient("b"));

    assertThat(sent).hasSize(3);
    assertThat(sent.subList(0, 2)).containsExactlyInAnyOrder(ids("a"), ids("b"));
    assertThat(sent.get(2)).containsExactly(id("o"));
    assertThat(answers.loaded()).isEqualTo(3);
    assertThat(server.client().read().resource(Observation.class).withId(id("o")).execute().getSubject()
        .getReference()).isEqualTo("Patient/" + id("a"));
  }

  @Test
  void anAnswerThatDoesNotAnswerEveryEntryFailsTheChunkWithTheServersWords() throws Exception {
    FhirClient tooFew = gateway(call -> reply(200, "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\","
        + "\"entry\":[{\"response\":{\"status\":\"201 Created\"}}]}"));
    FhirClient refused = gateway(call -> reply(400, "{\"resourceType\":\"OperationOutcome\",\"issue\":"
        + "[{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":\"The gateway takes no batches\"}]}"));

    send(tooFew, 0, 10, patient("a"), patient("b"));
    send(refused, 0, 10, patient("c"));

    assertThat(answers.loaded()).isZero();
    assertThat(answers.failed()).isEqualTo(3);
    assertThat(answers.unanswered()).extracting(entry -> Statuses.code(entry.path("response").path("status")
        .asText())).containsExactlyInAnyOrder(200, 200, 400);
    assertThat(answers.reason()).contains("The gateway takes no batches");
  }

  @Test
  void aServerThatCannotBeReachedFailsEveryEntryAs503WithTheReason() throws Exception {
    FhirClient down = gateway(call -> {
      throw new ConnectException("Connection refused");
    });

    send(down, 1, 10, patient("a"), patient("b"));

    assertThat(sent).hasSize(2);
    assertThat(answers.failed()).isEqualTo(2);
    assertThat(answers.unanswered()).extracting(entry -> entry.path("response").path("status").asText())
        .containsOnly("503 Service Unavailable");
    assertThat(answers.reason()).contains("could not be reached after 2 attempts", "Connection refused");
  }

  private void send(FhirClient gateway, int maxRetries, int maxEntries, ObjectNode... entries)
      throws InterruptedException {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      items.add(new Item(i + 1, entries[i]));
    }
    LoaderConfig config = LoaderConfig.defaults().withRetries(maxRetries, Duration.ofMillis(1));
    new BatchSend(new Sender(gateway, config), CHUNKS, maxEntries).send(items, answers);
  }

  /** A gateway that records each batch's ids and answers as {@code answer} does. */
  private FhirClient gateway(FhirClient answer) {
    return call -> {
      List<String> ids = new ArrayList<>();
      entries(call).forEach(entry -> ids.add(entry.path("resource").path("id").asText()));
      sent.add(ids);
      return answer.send(call);
    };
  }

  /** Passes a batch to the real server without the entries {@code throttled} picks, which it answers 429. */
  private FhirClient throttling(Predicate<String> throttled) {
    return gateway(call -> {
      ArrayNode entries = entries(call);
      Set<Integer> held = new java.util.HashSet<>();
      ObjectNode passed = Json.object().put("resourceType", "Bundle").put("type", "batch");
      for (int i = 0; i < entries.size(); i++) {
        if (throttled.test(entries.get(i).path("resource").path("id").asText())) {
          held.add(i);
        } else {
          passed.withArray("entry").add(entries.get(i));
        }
      }
      ArrayNode answered = passed.has("entry")
          ? Json.parse(real.send(FhirCall.bundle(Json.bytes(passed))).body()).withArray("entry") : Json.array();
      ObjectNode answer = Json.object().put("resourceType", "Bundle").put("type", "batch-response");
      for (int i = 0, next = 0; i < entries.size(); i++) {
        answer.withArray("entry").add(held.contains(i) ? Json.response(429, "Too Many Requests", "Busy")
            : answered.get(next++));
      }
      return reply(200, new String(Json.bytes(answer), StandardCharsets.UTF_8));
    });
  }

  private static ArrayNode entries(FhirCall call) throws IOException {
    return Json.parse(call.body()).withArray("entry");
  }

  private static FhirReply reply(int status, String body) {
    return new FhirReply(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  private ObjectNode patient(String name) {
    ObjectNode entry = Json.object();
    entry.putObject("resource").put("resourceType", "Patient").put("id", id(name));
    entry.putObject("request").put("method", "PUT").put("url", "Patient/" + id(name));
    return entry;
  }

  private String id(String name) {
    return prefix + "-" + name;
  }

  private List<String> ids(String... names) {
    return java.util.Arrays.stream(names).map(this::id).toList();
  }
}
