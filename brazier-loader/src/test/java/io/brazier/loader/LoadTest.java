package io.brazier.loader;

import io.brazier.client.HttpFhirClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.loader.files.Inputs;
import io.brazier.loader.send.FileOutcome;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @TempDir
  Path dir;

  @Test
  void theTrainingBundlesLoadCompletelyThoughTheyReferToPractitionersTheyDoNotHold() throws Exception {
    Samples.mc4h(dir);

    LoadReport report = load(dir);

    assertThat(report.failures()).isEmpty();
    assertThat(report.failedEntries()).isZero();
    assertThat(report.resources()).isEqualTo(711);
    Bundle patients = client.search().forResource(Patient.class)
        .where(Patient.RES_ID.exactly().codes(Samples.MC4H_PATIENTS)).returnBundle(Bundle.class).execute();
    assertThat(patients.getEntry()).hasSize(3);
  }

  @Test
  void loadingTheSameFilesAgainWritesEachResourceOnceMore() throws Exception {
    Samples.mc4h(dir);
    load(dir);
    int observations = observationsOf(Samples.MC4H_PATIENTS.get(0));

    LoadReport again = load(dir);

    assertThat(again.failures()).isEmpty();
    assertThat(observationsOf(Samples.MC4H_PATIENTS.get(0))).isEqualTo(observations).isPositive();
  }

  @Test
  void ndjsonLoadsEveryResourceWithItsIdAndRejectsBadLinesWithTheirReasons() throws Exception {
    Samples.syntheaNdjson(dir.resolve("sample.ndjson"));
    Samples.write(dir.resolve("bad.ndjson"), """
        {"resourceType":"Patient","id":"ndjson-good","active":true}
        not json at all
        {"resourceType":"Patient","active":true}
        {"id":"no-type"}
        {"resourceType":"Patient","id":"ndjson-bad-gender","gender":"robot"}
        """);
    List<FileOutcome> outcomes = new ArrayList<>();

    LoadReport report = load(dir, outcomes);

    assertThat(report.resources()).isEqualTo(372 + 1);
    assertThat(report.failedEntries()).isEqualTo(4);
    assertThat(report.failures()).containsOnlyKeys(dir.resolve("bad.ndjson").toString());
    FileOutcome bad = outcomes.stream().filter(o -> o.name().endsWith("bad.ndjson")).findFirst().orElseThrow();
    assertThat(new String(bad.rejected())).contains("not json at all", "\"active\":true}", "no-type", "robot")
        .doesNotContain("ndjson-good");
    assertThat(new String(bad.report())).contains("\"line\" : 2", "not JSON", "has no id", "no resourceType",
        "\"line\" : 5", "400");
    assertThat(client.read().resource(Patient.class).withId("ndjson-good").execute().getActive()).isTrue();
  }

  @Test
  void filesThatAreNotTransactionsOrBatchesFailWithAReasonThatSaysWhatToFix() throws Exception {
    Samples.write(dir.resolve("text.json"), "this is not JSON");
    Samples.write(dir.resolve("collection.json"), "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}");

    LoadReport report = load(dir);

    assertThat(report.failures().get(dir.resolve("text.json").toString())).contains("not JSON");
    assertThat(report.failures().get(dir.resolve("collection.json").toString()))
        .contains("type 'collection'", "transaction or batch");
  }

  private int observationsOf(String patient) {
    return client.search().forResource(Observation.class).where(Observation.SUBJECT.hasId("Patient/" + patient))
        .summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT).returnBundle(Bundle.class).execute().getTotal();
  }

  @Test
  void aServerThatCannotBeReachedStopsTheLoadBeforeAnyFile() throws Exception {
    Samples.write(dir.resolve("p.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"never-sent\"}\n");
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    var target = new HttpFhirClient(URI.create("http://127.0.0.1:" + closed + "/fhir"), Optional.empty(),
        Duration.ofSeconds(10));
    List<FileOutcome> outcomes = new ArrayList<>();

    try (Inputs inputs = Inputs.of(List.of(dir.toString()))) {
      assertThatThrownBy(() -> new Load(target, LoaderConfig.defaults().withRetries(1, Duration.ofMillis(10)))
          .run(inputs, new Collecting(outcomes))).isInstanceOf(TargetUnavailable.class)
          .hasMessage("The FHIR server could not be reached after 2 attempts: http://127.0.0.1:" + closed
              + "/fhir refused the connection; no file was loaded.");
    }
    assertThat(outcomes).isEmpty();
  }

  @Test
  void aBaseUrlWithoutItsFhirPathStopsTheLoadBeforeAnyFile() throws Exception {
    Samples.write(dir.resolve("p.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"never-sent\"}\n");
    String root = server.rootUrl();
    var target = new HttpFhirClient(URI.create(root), Optional.empty(), Duration.ofSeconds(10));

    try (Inputs inputs = Inputs.of(List.of(dir.toString()))) {
      assertThatThrownBy(() -> new Load(target, LoaderConfig.defaults()).run(inputs, new Collecting(new ArrayList<>())))
          .isInstanceOf(TargetUnavailable.class)
          .hasMessageStartingWith("No FHIR server answers at " + root + ": GET metadata answered 404.");
    }
  }

  @Test
  void aBundleLargerThanTheLoaderReadsWholeFailsAloneSayingWhatToDo() throws Exception {
    // Read whole, a bundle larger than the heap (a zip bomb's entry) ended the whole load with "Java heap space".
    Samples.write(dir.resolve("huge.json"), "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[]"
        + " ".repeat(1 << 20) + "}");
    Samples.write(dir.resolve("small.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"beside-huge\"}\n");

    LoadReport report = load(dir, new ArrayList<>(), LoaderConfig.defaults().withMaxBundleBytes(1 << 20));

    assertThat(report.failures()).containsOnlyKeys(dir.resolve("huge.json").toString());
    assertThat(report.failures().get(dir.resolve("huge.json").toString()))
        .contains("larger than 1 MB", "as NDJSON", "BRAZIER_JAVA_OPTS=-Xmx");
    assertThat(client.read().resource(Patient.class).withId("beside-huge").execute().getIdPart())
        .isEqualTo("beside-huge");
  }

  private LoadReport load(Path folder) throws IOException, InterruptedException {
    return load(folder, new ArrayList<>());
  }

  private LoadReport load(Path folder, List<FileOutcome> outcomes) throws IOException, InterruptedException {
    return load(folder, outcomes, LoaderConfig.defaults());
  }

  private LoadReport load(Path folder, List<FileOutcome> outcomes, LoaderConfig config)
      throws IOException, InterruptedException {
    var target = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(60));
    try (Inputs inputs = Inputs.of(List.of(folder.toString()))) {
      return new Load(target, config).run(inputs, new Collecting(outcomes));
    }
  }

  /** Keeps each file's outcome. */
  record Collecting(List<FileOutcome> outcomes) implements Progress {
    @Override
    public void start(int files) {}

    @Override
    public void entries(int answered) {}

    @Override
    public synchronized void file(FileOutcome outcome) {
      outcomes.add(outcome);
    }

    @Override
    public void close() {}
  }
}
