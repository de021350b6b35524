package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ExportConfig;
import io.brazier.server.NodeProcess;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.fhir.Fhir;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.Job;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.brazier.testkit.Azurite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server processes killed with SIGKILL in the middle of an export, one writing local files and one writing to Azure
 * Blob storage (Azurite), each on a database of its own, and a node started again on each: once the dead node's
 * lease runs out the new node takes the job over, resumes from the cursor the dead one recorded, and the files hold
 * every resource exactly once, as stored, and nothing else. Both are killed before either restarts, so that the
 * tests wait for the lease once.
 */
class ExportKillTest {
  /**
   * The killed node's small pages, synced after each, and small files: its export takes many steps, and a kill lands
   * among them. Its store is read well ahead of the writing, so the syncs alone set the pace: pages of two make
   * enough of them. The nodes before and after it export at the usual pace.
   */
  private static final int PAGE = 2;
  private static final int USUAL_PAGE = 1000;
  private static final String CONTAINER = "killed";

  @TempDir
  Path dir;

  /** A node killed in the middle of an export: where its data is, and what it was exporting. */
  private record Killed(Path data, String blob, String status, Map<String, String> before) {
    String job() {
      return status.substring(status.lastIndexOf('/') + 1);
    }
  }

  @Test
  void exportsKilledMidwayAreResumedByTheRestartedNodesWithEveryResourceOnce() throws Exception {
    String blob = Azurite.shared().connectionString();
    Killed local = killMidExport(dir.resolve("local"), "-");
    Killed toBlob = killMidExport(dir.resolve("blob"), blob);
    assertLeftMidway(local);
    assertLeftMidway(toBlob);

    try (TestServer localNode = TestServer.start(local.data().resolve("db"), usual(local.data(), "-"));
        TestServer blobNode = TestServer.start(toBlob.data().resolve("db"), usual(toBlob.data(), blob))) {

      JsonNode localManifest = new Exporter(localNode).manifest(local.status());
      JsonNode blobManifest = new Exporter(blobNode).manifest(toBlob.status());

      assertThat(new Exporter(localNode).exported(localManifest)).isEqualTo(local.before());
      assertThat(new Exporter(blobNode).exported(blobManifest)).isEqualTo(toBlob.before());
      assertThat(localFiles(local)).as("no part file of the killed run is left")
          .containsExactlyInAnyOrderElementsOf(fileNames(localManifest));
      assertThat(blobs(blob, toBlob)).as("no blob of the killed run is left")
          .containsExactlyInAnyOrderElementsOf(fileNames(blobManifest));
    }
  }

  /**
   * Loads three copies of the sample on a database in {@code data}, starts a node process on it, kicks off a system
   * export and kills the node once the export has recorded progress.
   */
  private static Killed killMidExport(Path data, String blob) throws Exception {
    Map<String, String> before = new HashMap<>();
    try (TestServer loader = TestServer.start(data.resolve("db"), usual(data, blob))) {
      List<String> keys = new ArrayList<>();
      for (String suffix : List.of("", "-a", "-b")) {
        Sample.load(loader, suffix);
        Sample.lines(suffix).stream().map(Exporter::tree).forEach(resource -> keys.add(
            resource.path("resourceType").asText() + "/" + resource.path("id").asText()));
      }
      loader.store().current(keys).forEach((key, version) -> before.put(key,
          new String(version.json(), StandardCharsets.UTF_8)));
      assertThat(before).hasSameSizeAs(keys);
    }
    NodeProcess node = NodeProcess.start(Node.class, data.toString(), blob);
    HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/$export"))
        .header("Prefer", "respond-async").GET());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String status = started.headers().firstValue("Content-Location").orElseThrow();
    awaitProgress(status);
    node.kill();
    return new Killed(data, blob, Exporter.path(status), before);
  }

  /**
   * The job as the dead node left it: still running, with a cursor to resume from, part of it done. Read from its
   * database with no job runner, as a restarted node may take the job over at once (its lease ran out while the other
   * node was loaded) and finish it before a look through that node.
   */
  private static void assertLeftMidway(Killed killed) {
    Job job;
    try (PostgresStore store = new PostgresStore(Database.open(DatabaseConfig.embedded(killed.data().resolve("db"))),
        new Fhir(false).resourceTypes())) {
      job = store.jobs().read(killed.job()).orElseThrow();
    }
    assertThat(job.status()).isEqualTo(Job.Status.RUNNING);
    assertThat(job.cursor()).isNotNull();
    assertThat(job.done()).isPositive().isLessThan(killed.before().size());
  }

  /** Polls until the export has written and synced some pages; fails if it ended first. */
  private static void awaitProgress(String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> polled = send(HttpRequest.newBuilder(URI.create(status)).GET());
      assertThat(polled.statusCode()).as("the export ended before it could be killed").isEqualTo(202);
      if (polled.headers().firstValue("X-Progress").orElse("").matches(".*, [1-9][0-9]* done\\)")) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    throw new AssertionError("The export recorded no progress");
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The killed node's configuration: see {@link #PAGE}. */
  private static ServerConfig slow(Path data, String blob) {
    return config(data, blob, PAGE, Duration.ZERO);
  }

  private static ServerConfig usual(Path data, String blob) {
    return config(data, blob, USUAL_PAGE, ExportConfig.DEFAULT_SYNC);
  }

  /** Exports to {@code data}/export, or to the Blob storage of connection string {@code blob} unless it is "-". */
  private static ServerConfig config(Path data, String blob, int page, Duration sync) {
    ExportConfig.Builder exports = ExportConfig.builder().dir(data.resolve("export")).fileMaxBytes(16 * 1024)
        .ttl(Duration.ofHours(1)).page(page).sync(sync);
    if (!blob.equals("-")) {
      exports.blob(blob).container(CONTAINER).links(ExportConfig.Links.SAS);
    }
    return ServerConfig.builder().exports(exports.build()).build();
  }

  /** The server process of this test: it runs until it is killed. */
  public static final class Node {
    public static void main(String[] args) throws Exception {
      Path data = Path.of(args[0]);
      NodeProcess.serve(TestServer.start(data.resolve("db"), slow(data, args[1])));
    }
  }

  /** The names of the files a manifest lists ({@code Patient-1.ndjson}). */
  private static List<String> fileNames(JsonNode manifest) {
    List<String> names = new ArrayList<>();
    Stream.of("output", "deleted", "error").forEach(list -> manifest.path(list).forEach(file -> {
      String path = URI.create(file.path("url").asText()).getPath();
      names.add(path.substring(path.lastIndexOf('/') + 1)); // the path is decoded: a blob's %2F is a slash
    }));
    return names;
  }

  private static List<String> localFiles(Killed killed) throws IOException {
    try (Stream<Path> files = Files.list(killed.data().resolve("export").resolve(killed.job()))) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }

  private static List<String> blobs(String connectionString, Killed killed) {
    BlobContainerClient container = new BlobServiceClientBuilder().connectionString(connectionString)
        .buildClient().getBlobContainerClient(CONTAINER);
    List<String> names = new ArrayList<>();
    container.listBlobs(new ListBlobsOptions().setPrefix(killed.job() + "/"), null)
        .forEach(item -> names.add(item.getName().substring(killed.job().length() + 1)));
    return names;
  }
}
