package io.brazier.loader;

import io.brazier.client.HttpFhirClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.sun.net.httpserver.HttpServer;
import io.brazier.loader.files.Inputs;
import io.brazier.loader.storage.BlobStorage;
import io.brazier.server.TestServer;
import io.brazier.testkit.Azurite;
import io.brazier.testkit.ClosedPort;
import io.brazier.testkit.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The watching service on Azure Blob containers, against the Azurite emulator (one per test JVM). */
class BlobLoaderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private final TestServer server = TestServer.shared();

  @Test
  void theTrainingBundlesDroppedIntoTheBundlesContainerLandInBundlesProcessed() throws Exception {
    Azurite azurite = Azurite.shared();
    try (LoaderService service = service(azurite, new SimpleMeterRegistry())) {
      BlobServiceClient account = account(azurite);
      for (String name : Samples.MC4H) {
        account.getBlobContainerClient("bundles").getBlobClient(name)
            .upload(BinaryData.fromBytes(Samples.bytes("/mc4h/" + name + ".gz")));
      }

      Eventually.until(DEADLINE, "the three bundles processed", () -> names(account, "bundlesprocessed").size() == 6);

      assertThat(names(account, "bundlesprocessed")).containsExactlyInAnyOrderElementsOf(Samples.MC4H.stream()
          .flatMap(name -> List.of(name + ".processed", name + ".processed.result").stream()).toList());
      assertThat(names(account, "bundles")).isEmpty();
      assertThat(names(account, "bundleserr")).isEmpty();
    }
  }

  /**
   * Each loader writes through its own front, which holds its writes until the other loader writes too. The first
   * loader starts alone and is held with the files it took: the second, which lists those first as well, must take
   * the others rather than wait behind them; so both take files, at the same time, and never the same one.
   */
  @Test
  void twoLoadersOnOneAccountNeverTakeTheSameFile() throws Exception {
    Azurite azurite = Azurite.shared();
    BlobServiceClient account = account(azurite);
    account.createBlobContainerIfNotExists("ndjson");
    for (int file = 0; file < 12; file++) {
      StringBuilder lines = new StringBuilder();
      for (int line = 0; line < 5; line++) {
        lines.append("{\"resourceType\":\"Patient\",\"id\":\"blob-").append(file).append('-').append(line)
            .append("\"}\n");
      }
      account.getBlobContainerClient("ndjson").getBlobClient("part-" + file + ".ndjson")
          .upload(BinaryData.fromString(lines.toString()));
    }
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    BothWriting both = new BothWriting();
    HttpServer frontOne = both.front(server);
    HttpServer frontTwo = both.front(server);
    // Two files at a time: the first loader, held, leaves ten for the second.
    LoaderConfig twoAtATime = LoaderConfig.defaults().withSending(2, 500, 500);

    try (LoaderService one = service(azurite, target(frontOne), twoAtATime, first)) {
      both.awaitOneWriting();
      try (LoaderService two = service(azurite, target(frontTwo), twoAtATime, second)) {
        Eventually.until(DEADLINE, "every file processed", () -> names(account, "ndjsonprocessed").size() == 12);
      }
    } finally {
      frontOne.stop(0);
      frontTwo.stop(0);
    }

    assertThat(both.metInTime()).as("each loader's first write met the other's").isTrue();
    assertThat(loaded(first)).as("files taken by the first loader").isPositive();
    assertThat(loaded(second)).as("files taken by the second loader").isPositive();
    assertThat(loaded(first) + loaded(second)).as("resources loaded by both loaders together").isEqualTo(60);
    assertThat(names(account, "ndjson")).isEmpty();
  }

  /** Holds each front's first write until every front has one: their loaders are then writing at the same time. */
  private static final class BothWriting {
    private static final int FRONTS = 2;
    private final CountDownLatch writing = new CountDownLatch(FRONTS);
    private final AtomicBoolean waitedInVain = new AtomicBoolean();

    HttpServer front(TestServer real) throws IOException {
      AtomicBoolean wrote = new AtomicBoolean();
      return FrontServer.serve(real, exchange -> {
        if (wrote.compareAndSet(false, true)) {
          writing.countDown();
        }
        try {
          if (!writing.await(DEADLINE.toSeconds() / 3, TimeUnit.SECONDS)) {
            waitedInVain.set(true);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
        FrontServer.forward(real, exchange, exchange.getRequestBody().readAllBytes());
      });
    }

    void awaitOneWriting() {
      Eventually.until(DEADLINE, "a loader's first write", () -> writing.getCount() < FRONTS);
    }

    boolean metInTime() {
      return writing.getCount() == 0 && !waitedInVain.get();
    }
  }

  @Test
  void aOneShotLoadReadsAContainerByItsUrlWithASas() throws Exception {
    Azurite azurite = Azurite.shared();
    var container = account(azurite).createBlobContainerIfNotExists("exports");
    container.getBlobClient("Patient.ndjson").upload(BinaryData.fromString(
        "{\"resourceType\":\"Patient\",\"id\":\"from-blob\",\"active\":true}\n"));
    String sas = container.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
        new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)));
    var target = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(60));

    LoadReport report;
    try (Inputs inputs = Inputs.of(List.of(container.getBlobContainerUrl() + "?" + sas))) {
      report = new Load(target, LoaderConfig.defaults()).run(inputs, new LoadTest.Collecting(new ArrayList<>()));
    }

    assertThat(report.failures()).isEmpty();
    assertThat(report.resources()).isEqualTo(1);
    assertThat(server.client().read().resource(org.hl7.fhir.r4.model.Patient.class).withId("from-blob").execute()
        .getActive()).isTrue();
  }

  @Test
  void aContainerUrlThatCannotBeListedIsAnArgumentToFixSaidInASentence() {
    var missing = account(Azurite.shared()).getBlobContainerClient("no-such-container");
    String sas = missing.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
        new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)));

    assertThatThrownBy(() -> Inputs.of(List.of(missing.getBlobContainerUrl() + "?" + sas)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(missing.getBlobContainerUrl() + " could not be listed as a Blob container: the account answered"
            + " 404 ContainerNotFound; check the container's name");
  }

  /** As an empty folder is: else the load "succeeded" in loading nothing from a mistyped or unfilled container. */
  @Test
  void anEmptyContainerIsAProblemAsAnEmptyFolderIs() throws Exception {
    var empty = account(Azurite.shared()).createBlobContainerIfNotExists("empty-" + UUID.randomUUID());
    String sas = empty.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
        new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)));

    try (Inputs inputs = Inputs.of(List.of(empty.getBlobContainerUrl() + "?" + sas))) {
      assertThat(inputs.files()).isEmpty();
      assertThat(inputs.problems()).containsOnlyKeys(empty.getBlobContainerUrl());
      assertThat(inputs.problems().get(empty.getBlobContainerUrl())).contains("no file the loader reads",
          "it is empty");
    }
  }

  /** A host that does not resolve (RFC 2606's .invalid never does): named, with what to check, not the SDK's trace. */
  @Test
  void aContainerUrlWhoseHostIsUnknownIsAnArgumentToFixNamingTheHost() {
    String url = "https://no-such-account.invalid/exports";

    assertThatThrownBy(() -> Inputs.of(List.of(url + "?sv=2023-11-03&sp=rl&sig=x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("The Blob storage host no-such-account.invalid of " + url + " is not known:")
        .hasMessageContaining("check the account name");
  }

  /** A host that resolves but refuses the connection, once the SDK has tried it again: named, with what to check. */
  @Test
  void aContainerUrlWhoseHostRefusesTheConnectionIsAnArgumentToFixNamingTheHost() {
    String url = ClosedPort.url("/account/exports").toString();

    assertThatThrownBy(() -> Inputs.of(List.of(url + "?sv=2023-11-03&sp=rl&sig=x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("The Blob storage host 127.0.0.1 of " + url + " could not be reached (")
        .hasMessageContaining("check the URL");
  }

  private LoaderService service(Azurite azurite, MeterRegistry registry) throws IOException {
    var target = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(60));
    return service(azurite, target, LoaderConfig.defaults(), registry);
  }

  private static LoaderService service(Azurite azurite, HttpFhirClient target, LoaderConfig config,
      MeterRegistry registry) throws IOException {
    return new LoaderService(target, config.withSettle(Duration.ofMillis(200)),
        BlobStorage.connect(azurite.connectionString()), registry).start();
  }

  private static HttpFhirClient target(HttpServer front) {
    return new HttpFhirClient(URI.create("http://127.0.0.1:" + front.getAddress().getPort() + "/fhir"),
        Optional.empty(), Duration.ofSeconds(60));
  }

  private static double loaded(SimpleMeterRegistry registry) {
    var counter = registry.find("brazier.loader.resources").tag("outcome", "loaded").counter();
    return counter == null ? 0 : counter.count();
  }

  private static BlobServiceClient account(Azurite azurite) {
    return new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
  }

  private static Set<String> names(BlobServiceClient account, String container) {
    var client = account.getBlobContainerClient(container);
    if (!client.exists()) {
      return Set.of();
    }
    List<String> names = new ArrayList<>();
    client.listBlobs().forEach(blob -> names.add(blob.getName()));
    return names.stream().collect(Collectors.toSet());
  }
}
