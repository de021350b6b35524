package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.FhirClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.LoaderConfig;
import io.brazier.server.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** How NDJSON batches reach a real server: as transactions, and as batches when a transaction will not do. */
class NdjsonLoadTest {
  private static final ExecutorService BATCHES = Executors.newFixedThreadPool(2);
  private static final ExecutorService CHUNKS = Executors.newFixedThreadPool(2);
  private final TestServer server = TestServer.shared();
  private final String prefix = UUID.randomUUID().toString().substring(0, 8);
  /** Each bundle sent, as its type and entry count: "transaction 3". */
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @AfterAll
  static void stop() {
    BATCHES.shutdownNow();
    CHUNKS.shutdownNow();
  }

  @Test
  void aBatchOfGoodLinesGoesAsOneTransactionEvenWhenItsLinesReferToEachOther() throws Exception {
    FileOutcome outcome = load(LoaderConfig.defaults(), """
        {"resourceType":"Encounter","id":"%1$s-e","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/%1$s-p"}}
        {"resourceType":"Patient","id":"%1$s-p"}
        {"resourceType":"Patient","id":"%1$s-q"}
        """);

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.loaded()).isEqualTo(3);
    assertThat(sent).containsExactly("transaction 3");
    assertThat(server.client().read().resource(Encounter.class).withId(prefix + "-e").execute().getSubject()
        .getReference()).isEqualTo("Patient/" + prefix + "-p");
  }

  @Test
  void aTransactionTheServerRefusesIsSentAgainAsABatchAndOnlyItsBadLineFails() throws Exception {
    FileOutcome outcome = load(LoaderConfig.defaults(), """
        {"resourceType":"Patient","id":"%1$s-a"}
        {"resourceType":"Patient","id":"%1$s-b","gender":"robot"}
        {"resourceType":"Patient","id":"%1$s-c"}
        """);

    assertThat(sent).containsExactly("transaction 3", "batch 3");
    assertThat(outcome.loaded()).isEqualTo(2);
    assertThat(outcome.failed()).isEqualTo(1);
    assertThat(new String(outcome.rejected(), StandardCharsets.UTF_8)).contains("robot").doesNotContain("-a\"");
    JsonNode error = Json.parse(outcome.report()).path("errors").path(0);
    assertThat(error.path("line").asInt()).isEqualTo(2);
    assertThat(error.path("response").path("status").asText()).startsWith("400");
  }

  @Test
  void withTransformToBatchEveryBatchGoesAsABatch() throws Exception {
    FileOutcome outcome = load(LoaderConfig.defaults().withModes(true, false), """
        {"resourceType":"Patient","id":"%1$s-a"}
        {"resourceType":"Patient","id":"%1$s-b"}
        """);

    assertThat(outcome.loaded()).isEqualTo(2);
    assertThat(sent).containsExactly("batch 2");
  }

  @Test
  void aBatchOfMoreThanMaxEntriesGoesAsBatchesOfMaxEntries() throws Exception {
    FileOutcome outcome = load(LoaderConfig.defaults().withSending(1, 2, 3), """
        {"resourceType":"Patient","id":"%1$s-a"}
        {"resourceType":"Patient","id":"%1$s-b"}
        {"resourceType":"Patient","id":"%1$s-c"}
        """);

    assertThat(outcome.loaded()).isEqualTo(3);
    assertThat(sent).containsExactlyInAnyOrder("batch 2", "batch 1");
  }

  @Test
  void twoResourcesRunTogetherOnOneLineAreRejectedRatherThanTheSecondSilentlyDropped() throws Exception {
    FileOutcome outcome = load(LoaderConfig.defaults(), """
        {"resourceType":"Patient","id":"%1$s-a"}{"resourceType":"Patient","id":"%1$s-b"}
        {"resourceType":"Patient","id":"%1$s-c"} trailing
        {"resourceType":"Patient","id":"%1$s-d"}\t\s
        """);

    assertThat(outcome.loaded()).isEqualTo(1);
    assertThat(outcome.failed()).isEqualTo(2);
    assertThat(new String(outcome.rejected(), StandardCharsets.UTF_8)).contains(prefix + "-b", "trailing");
    assertThat(Json.parse(outcome.report()).path("errors")).extracting(error -> error.path("line").asInt())
        .containsExactly(1, 2);
  }

  @Test
  void aByteOrderMarkBeforeTheFirstLineIsNotPartOfIt() throws Exception {
    FileOutcome outcome = load(LoaderConfig.defaults(), "\uFEFF" + """
        {"resourceType":"Patient","id":"%1$s-bom","name":[{"family":"Ström"}]}
        {"resourceType":"Patient","id":"%1$s-next"}
        """);

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.loaded()).isEqualTo(2);
    assertThat(server.client().read().resource(org.hl7.fhir.r4.model.Patient.class).withId(prefix + "-bom").execute()
        .getNameFirstRep().getFamily()).isEqualTo("Ström");
  }

  /**
   * A file saved as UTF-16 (Windows tools' "Unicode", with its byte order mark) is refused whole, saying so: NDJSON is
   * UTF-8, as FHIR's Bulk Data format has it. Read as UTF-8, each of its lines was rejected as JSON broken by NULs.
   */
  @Test
  void aFileInUtf16IsRefusedWholeSayingThatNdjsonIsUtf8() throws Exception {
    for (Charset utf16 : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
      byte[] content = String.format("\uFEFF" + """
          {"resourceType":"Patient","id":"%1$s-utf16"}
          {"resourceType":"Patient","id":"%1$s-utf16-too"}
          """, prefix).getBytes(utf16);

      FileOutcome outcome = ndjson(LoaderConfig.defaults()).load("test.ndjson", new ByteArrayInputStream(content),
          answered -> {});

      assertThat(outcome.succeeded()).isFalse();
      assertThat(outcome.loaded() + outcome.failed()).isZero();
      assertThat(outcome.reason()).contains("UTF-16", "NDJSON is UTF-8", "save it as UTF-8");
      assertThat(sent).isEmpty();
    }
  }

  @Test
  void anExportsBundlesOfDeletesAreSentAsBundlesAndItsOperationOutcomesPassedOver() throws Exception {
    load(LoaderConfig.defaults(), """
        {"resourceType":"Patient","id":"%1$s-gone"}
        {"resourceType":"Patient","id":"%1$s-gone-too"}
        """);
    sent.clear();

    FileOutcome outcome = load(LoaderConfig.defaults(), """
        {"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"Patient/%1$s-gone"}}]}
        {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"x"}]}
        {"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"DELETE","url":"Patient/%1$s-gone-too"}}]}
        """);

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.failed()).isZero();
    assertThat(outcome.loaded()).isEqualTo(2);
    assertThat(sent).containsExactly("transaction 1", "batch 1");
    assertThat(server.client().search().byUrl("Patient?_id=" + prefix + "-gone," + prefix + "-gone-too")
        .returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry()).isEmpty();
  }

  @Test
  void aLineLongerThanTheLoaderHoldsEndsTheFileThereSayingWhyAndTheLinesBeforeLoad() throws Exception {
    // Held whole, a line without end (a zip or gzip bomb) filled the heap and ended the whole load.
    String longLine = "{\"resourceType\":\"Patient\",\"id\":\"%1$s-long\",\"name\":[{\"family\":\""
        + "x".repeat(1 << 20) + "\"}]}";

    FileOutcome outcome = load(LoaderConfig.defaults().withSending(1, 100, 1).withMaxBundleBytes(1 << 20), """
        {"resourceType":"Patient","id":"%1$s-before"}
        """ + longLine + "\n");

    assertThat(outcome.loaded()).isEqualTo(1);
    assertThat(outcome.reason()).contains("could not be read past line 1", "a line is longer than 1 MB", "-Xmx");
    assertThat(server.client().read().resource(Patient.class).withId(prefix + "-before").execute()).isNotNull();
  }

  /** Loads the lines, each %1$s replaced by this test's prefix, noting every bundle sent on the way. */
  private FileOutcome load(LoaderConfig config, String lines) throws Exception {
    byte[] content = String.format(lines, prefix).getBytes(StandardCharsets.UTF_8);
    return ndjson(config).load("test.ndjson", new ByteArrayInputStream(content), answered -> {});
  }

  /** A loader of NDJSON to the test server, noting every bundle sent. */
  private NdjsonLoad ndjson(LoaderConfig config) {
    FhirClient real = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(60));
    FhirClient noting = call -> {
      JsonNode bundle = Json.parse(call.body());
      sent.add(bundle.path("type").asText() + " " + bundle.path("entry").size());
      return real.send(call);
    };
    return new NdjsonLoad(new Sender(noting, config), BATCHES, CHUNKS, config);
  }
}
