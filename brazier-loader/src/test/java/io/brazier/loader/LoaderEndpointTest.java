package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.send.Json;
import io.brazier.loader.storage.BlobStorage;
import io.brazier.loader.storage.FolderStorage;
import io.brazier.loader.storage.Storage;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.testkit.Azurite;
import io.brazier.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's HTTP side over real HTTP, loading into a real server that can hold a load in the middle: uploads, what
 * an upload named like a bundle still loading meets, and what a failing storage answers.
 */
class LoaderEndpointTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Gate gate = new Gate();
  private static final TestServer server = TestServer.onSharedStore(ServerConfig.defaults(), List.of(gate));
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> started = new ArrayList<>();

  @TempDir
  Path dir;

  private LoaderEndpoint endpoint;

  @AfterEach
  void stop() throws Exception {
    gate.open();
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @AfterAll
  static void closeServer() {
    server.close();
  }

  @Test
  void anUploadNamedLikeABundleStillLoadingIsRefusedWith409AndNeitherBundleIsLost() throws Exception {
    start(new FolderStorage(dir));

    String second = secondUploadWhileTheFirstLoads("gated-folder");

    awaitFile("bundlesprocessed/twice.json.processed");
    assertThat(dir.resolve("bundlesprocessed/twice.json.processed")).content().contains("gated-folder-first");
    assertThat(upload("twice", second).statusCode()).as("the same name once the first is loaded").isEqualTo(202);
    awaitPatient("gated-folder-second");
    assertThat(patientExists("gated-folder-first")).isTrue();
  }

  @Test
  void onBlobStorageTooAnUploadNamedLikeABundleStillLoadingIsRefusedWith409() throws Exception {
    BlobStorage storage = BlobStorage.connect(Azurite.shared().connectionString());
    start(storage);

    String second = secondUploadWhileTheFirstLoads("gated-blob");

    awaitPatient("gated-blob-first");
    Eventually.until(DEADLINE, "the same name accepted once the first is loaded",
        () -> uploadQuietly("twice", second) == 202);
    awaitPatient("gated-blob-second");
    // The account is shared by the test JVM: leave its containers as empty as they were.
    Eventually.until(DEADLINE, "the second twice.json moved away", () -> storage.list("bundles").isEmpty());
    storage.delete("bundlesprocessed", "twice.json.processed");
    storage.delete("bundlesprocessed", "twice.json.processed.result");
  }

  /** Uploads a bundle as {@code twice}, holds its load, and checks that a second one of that name is refused. */
  private String secondUploadWhileTheFirstLoads(String prefix) throws Exception {
    gate.close();
    HttpResponse<String> first = upload("twice", patientBundle(prefix + "-first"));
    gate.awaitEntered();
    String second = patientBundle(prefix + "-second");

    HttpResponse<String> refused = upload("twice", second);
    gate.open();

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.body()).contains("\"filename\":\"twice.json\"");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(Json.parse(refused.body().getBytes()).path("issue").path(0).path("diagnostics").asText())
        .contains("twice.json", "another name");
    return second;
  }

  @Test
  void uploadsWithoutANameGetDistinctNamesAndAreAllLoaded() throws Exception {
    start(new FolderStorage(dir));

    HttpResponse<String> one = upload(null, patientBundle("unnamed-one"));
    HttpResponse<String> two = upload(null, patientBundle("unnamed-two"));

    assertThat(List.of(one.statusCode(), two.statusCode())).containsOnly(202);
    String first = Json.parse(one.body().getBytes()).path("filename").asText();
    String second = Json.parse(two.body().getBytes()).path("filename").asText();
    assertThat(first).matches("bundle-[0-9a-f-]{36}\\.json").isNotEqualTo(second);
    awaitPatient("unnamed-one");
    awaitPatient("unnamed-two");
  }

  @Test
  void aNameWithFoldersOrOddCharactersIsMadeSafeAndStaysInTheBundlesFolder() throws Exception {
    start(new FolderStorage(dir));

    HttpResponse<String> posted = upload("..%2F..%2FOutside%20Me.JSON", patientBundle("odd-name"));

    assertThat(posted.statusCode()).isEqualTo(202);
    assertThat(Json.parse(posted.body().getBytes()).path("filename").asText()).isEqualTo("outside-me.json");
    awaitFile("bundlesprocessed/outside-me.json.processed");
    try (var files = Files.list(dir.getParent())) {
      assertThat(files.map(path -> path.getFileName().toString())).doesNotContain("outside-me.json");
    }
  }

  @Test
  void aBodyThatIsNotJsonOrNotABundleIsRefusedWith400AndNothingIsQueued() throws Exception {
    start(new FolderStorage(dir));

    HttpResponse<String> notJson = upload("broken", "{\"resourceType\": \"Bundle\", ");
    HttpResponse<String> notABundle = upload("patient", "{\"resourceType\":\"Patient\",\"id\":\"p\"}");
    HttpResponse<String> noType = upload("plain", "{\"type\":\"batch\",\"entry\":[]}");

    assertThat(List.of(notJson.statusCode(), notABundle.statusCode(), noType.statusCode())).containsOnly(400);
    assertThat(error(notJson)).contains("not JSON", "transaction or batch");
    assertThat(error(notABundle)).contains("not a FHIR Bundle");
    assertThat(error(noType)).contains("not a FHIR Bundle");
    assertThat(dir.resolve("bundles")).isEmptyDirectory();
  }

  @Test
  void anUploadTheStorageCannotTakeAnswers503SayingWhyAndTheNextOneIsTaken() throws Exception {
    start(new FolderStorage(dir));
    Path bundles = dir.resolve("bundles");
    Files.delete(bundles);
    Files.writeString(bundles, "a file where the bundles folder should be");

    HttpResponse<String> refused = upload("blocked", patientBundle("storage-back"));

    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(error(refused)).contains("cannot be written", "nothing was queued");
    Files.delete(bundles);
    Files.createDirectory(bundles);
    assertThat(upload("blocked", patientBundle("storage-back")).statusCode()).isEqualTo(202);
    awaitPatient("storage-back");
  }

  @Test
  void aStartedExportAnswersTheUriAndTheMethodThatCancelIt() throws Exception {
    start(new FolderStorage(dir));

    HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port()
        + "/loader/$alt-export-all")).POST(HttpRequest.BodyPublishers.ofString("{\"_type\":\"Patient\"}")).build(),
        BodyHandlers.ofString());
    JsonNode answer = Json.parse(started.body().getBytes());

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(answer.path("terminateUri").asText()).isEqualTo("/loader/$alt-export/" + answer.path("id").asText());
    assertThat(answer.path("terminateMethod").asText()).isEqualTo("DELETE");
  }

  @Test
  void theStatusSumsEveryServiceAndAnUnknownPathNamesTheRoutes() throws Exception {
    LoaderService bundles = service(new FolderStorage(dir.resolve("first")));
    LoaderService ndjson = service(new FolderStorage(dir.resolve("second")));
    endpoint = new LoaderEndpoint(List.of(bundles, ndjson), exports(), () -> "", "127.0.0.1", 0).start();
    started.add(endpoint);
    Samples.write(dir.resolve("second/ndjson/two.ndjson"), """
        {"resourceType":"Patient","id":"status-1"}
        {"resourceType":"Patient","id":"status-2"}
        """);

    assertThat(upload("one", patientBundle("status-3")).statusCode()).isEqualTo(202);
    awaitFile("first/bundlesprocessed/one.json.processed");
    awaitFile("second/ndjsonprocessed/two.ndjson.processed");
    JsonNode status = Json.parse(get("/loader/status").body().getBytes());
    HttpResponse<String> unknown = get("/loader/nothing");

    assertThat(dir.resolve("second/bundles")).as("uploads go to the first service").isEmptyDirectory();
    assertThat(status.path("filesProcessed").asLong()).isEqualTo(2);
    assertThat(status.path("resources").asLong()).isEqualTo(3);
    assertThat(status.path("filesFailed").asLong()).isZero();
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown)).contains("GET /loader/nothing", "POST /loader/bundles", "GET /loader/status");
  }

  private void start(Storage storage) throws IOException {
    LoaderService service = service(storage);
    endpoint = new LoaderEndpoint(List.of(service), exports(), () -> "", "127.0.0.1", 0).start();
    started.add(endpoint);
  }

  private LoaderService service(Storage storage) throws IOException {
    var target = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), DEADLINE);
    LoaderService service = new LoaderService(target, LoaderConfig.defaults().withSettle(Duration.ofMillis(100)),
        storage, new SimpleMeterRegistry()).start();
    started.add(service);
    return service;
  }

  private ExportJobs exports() throws IOException {
    var target = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), DEADLINE);
    ExportJobs exports = new ExportJobs(ExportSources.only(target, LoaderConfig.defaults()),
        new FolderStorage(dir.resolve("exports")), 1 << 20, 1, Duration.ofDays(1), Clock.systemUTC());
    started.add(exports);
    return exports;
  }

  private static String patientBundle(String id) {
    return """
        {"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Patient","id":"%s"},
         "request":{"method":"PUT","url":"Patient/%s"}}]}""".formatted(id, id);
  }

  private HttpResponse<String> upload(String name, String body) throws Exception {
    String query = name == null ? "" : "?name=" + name;
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/loader/bundles"
        + query)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
  }

  private int uploadQuietly(String name, String body) {
    try {
      return upload(name, body).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws IOException {
    return Json.parse(response.body().getBytes()).path("issue").path(0).path("diagnostics").asText();
  }

  private void awaitFile(String path) throws InterruptedException {
    Eventually.until(DEADLINE, path + " exists", () -> Files.exists(dir.resolve(path)));
  }

  private static void awaitPatient(String id) throws InterruptedException {
    Eventually.until(DEADLINE, "Patient/" + id + " loaded", () -> patientExists(id));
  }

  private static boolean patientExists(String id) {
    try {
      server.client().read().resource(Patient.class).withId(id).execute();
      return true;
    } catch (ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException e) {
      return false;
    }
  }

  /** Holds the bundle entries of Patients named {@code gated-...} while closed: a load caught in the middle. */
  private static final class Gate implements Interceptor {
    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch opened = new CountDownLatch(0);

    void close() {
      entered = new CountDownLatch(1);
      opened = new CountDownLatch(1);
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("a gated entry reached the server")
          .isTrue();
    }

    void open() {
      opened.countDown();
    }

    @Override
    public FhirRequest before(FhirRequest request) {
      if (request.isEntry() && request.id() != null && request.id().startsWith("gated-")) {
        entered.countDown();
        try {
          opened.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return request;
    }
  }
}
