package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.loader.LoaderConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the loader makes of a server's answer to an NDJSON batch sent as a transaction. */
class TransactionSendTest {
  private static final LoaderConfig QUICK = LoaderConfig.defaults().withRetries(2, Duration.ofMillis(1));
  private static final byte[] OUTCOME = "{\"resourceType\":\"OperationOutcome\"}".getBytes(StandardCharsets.UTF_8);
  private final AtomicInteger calls = new AtomicInteger();
  private final Answers answers = new Answers();

  @Test
  void aTransactionWrittenWholeAnswersEveryEntry() throws Exception {
    boolean answered = send(reply(200, "201 Created", "200 OK"));

    assertThat(answered).isTrue();
    assertThat(answers.loaded()).isEqualTo(2);
    assertThat(answers.failed()).isZero();
  }

  @Test
  void aRefusedTransactionLeavesItsEntriesToABatch() throws Exception {
    boolean answered = send(new FhirReply(400, Map.of(), OUTCOME));

    assertThat(answered).isFalse();
    assertThat(calls.get()).isEqualTo(1);
    assertThat(answers.loaded() + answers.failed()).isZero();
  }

  @Test
  void anAnswerThatDoesNotSayEveryEntryWasWrittenLeavesTheEntriesToABatch() throws Exception {
    assertThat(send(reply(200, "201 Created", "429 Too Many Requests"))).isFalse();
    assertThat(send(reply(200, "201 Created"))).isFalse();
    assertThat(answers.loaded() + answers.failed()).isZero();
  }

  @Test
  void aServerStillUnavailableAfterTheRetriesFailsTheEntriesWithoutTryingABatch() throws Exception {
    boolean answered = send(new FhirReply(503, Map.of(), OUTCOME));

    assertThat(answered).isTrue();
    assertThat(calls.get()).isEqualTo(3);
    assertThat(answers.failed()).isEqualTo(2);
    assertThat(answers.reason()).contains("OperationOutcome");
  }

  /** Sends two entries to a server that always gives {@code reply}. */
  private boolean send(FhirReply reply) throws Exception {
    FhirClient server = call -> {
      calls.incrementAndGet();
      assertThat(Json.parse(call.body()).path("type").asText()).isEqualTo("transaction");
      return reply;
    };
    List<Item> items = List.of(item(1, "a"), item(2, "b"));
    return new TransactionSend(new Sender(server, QUICK)).send(items, answers);
  }

  private static Item item(int line, String id) {
    var entry = Json.object();
    entry.putObject("resource").put("resourceType", "Patient").put("id", id);
    entry.putObject("request").put("method", "PUT").put("url", "Patient/" + id);
    return new Item(line, entry);
  }

  private static FhirReply reply(int status, String... entryStatuses) {
    var bundle = Json.object().put("resourceType", "Bundle").put("type", "transaction-response");
    for (String entryStatus : entryStatuses) {
      bundle.withArray("entry").addObject().putObject("response").put("status", entryStatus);
    }
    return new FhirReply(status, Map.of(), Json.bytes(bundle));
  }
}
