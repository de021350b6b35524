package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ExportConfig;
import io.brazier.server.Http;
import io.brazier.server.LogLines;
import io.brazier.server.ServerConfig;
import io.brazier.server.StreamedAnswer;
import io.brazier.server.TestServer;
import io.brazier.store.ResourceVersion;
import io.brazier.testkit.Azurite;
import io.brazier.testkit.Eventually;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports to Azure Blob storage (Azurite): blobs {@code <job>/<Type>-<n>.ndjson} in the container, linked by
 * read-only SAS URLs that a client fetches without the server, or through the server's own links; a cancel deletes
 * the blobs.
 */
class BlobStorageTest {
  @TempDir
  static Path dir;
  private static Azurite azurite;
  private static TestServer server;
  private static TestServer serverLinks;
  private static BlobServiceClient blobs;

  @BeforeAll
  static void start() {
    azurite = Azurite.shared();
    blobs = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
    ExportConfig exports = ExportConfig.builder().dir(dir.resolve("unused")).fileMaxBytes(64 * 1024)
        .ttl(Duration.ofHours(1)).page(50).blob(azurite.connectionString()).container("exports").build();
    server = TestServer.start(dir.resolve("db"), ServerConfig.builder().exports(exports).build());
    Sample.load(server, "");
    serverLinks = server.secondNode(ServerConfig.builder()
        .exports(exports.toBuilder().links(ExportConfig.Links.SERVER).build()).build());
  }

  @AfterAll
  static void stop() {
    serverLinks.close();
    server.close();
  }

  @Test
  void anExportToBlobStorageIsLinkedByReadOnlySasUrlsThatHoldEveryResourceOnce() {
    Exporter exporter = new Exporter(server);

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export"));

    List<String> urls = manifest.path("output").findValuesAsText("url");
    assertThat(urls).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(azurite.blobEndpoint() + "/exports/")
        .contains("sp=r").contains("sig="));
    assertThat(manifest.path("requiresAccessToken").asBoolean()).isFalse();
    assertSameAsStored(exporter.lines(manifest, "output"), Sample.lines().size());
    List<String> blobNames = urls.stream().map(BlobStorageTest::blobName).toList();
    String job = blobNames.get(0).substring(0, blobNames.get(0).indexOf('/'));
    assertThat(names("exports", job)).containsExactlyInAnyOrderElementsOf(blobNames);
  }

  @Test
  void aContainerNamedByTheClientHoldsItsExport() {
    Exporter exporter = new Exporter(server);

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Patient/$export?_type=Patient&_container=cohort-a"));

    String url = manifest.path("output").path(0).path("url").asText();
    assertThat(url).startsWith(azurite.blobEndpoint() + "/cohort-a/");
    assertThat(exporter.lines(manifest, "output").get("Patient")).hasSize(3);
  }

  @Test
  void serverLinksServeTheBlobsThroughTheServer() {
    Exporter exporter = new Exporter(serverLinks);

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export?_type=Patient,Condition"));

    assertThat(manifest.path("output").findValuesAsText("url")).allSatisfy(url -> assertThat(url)
        .startsWith(serverLinks.baseUrl() + "/_async/"));
    assertSameAsStored(exporter.lines(manifest, "output"), -1);
  }

  @Test
  void aCancelDeletesTheBlobs() {
    Exporter exporter = new Exporter(server);
    String status = exporter.start("/fhir/$export?_type=Patient,Observation");
    exporter.manifest(status);
    String job = status.substring(status.lastIndexOf('/') + 1);
    assertThat(names("exports", job)).isNotEmpty();

    Http.Response cancelled = server.http().send("DELETE", status, null);

    assertThat(cancelled.status()).isEqualTo(202);
    assertThat(names("exports", job)).isEmpty();
  }

  @Test
  void aDownloadWhoseBlobStorageBreaksOffIsAbortedNotEndedAsIfWhole() throws Exception {
    try (Azurite own = Azurite.start();
        TestServer node = TestServer.start(ServerConfig.builder().exports(ExportConfig.builder()
            .blob(own.connectionString()).container("exports").links(ExportConfig.Links.SERVER).build()).build())) {
      // Larger than the 4 MB the SDK reads a blob by: the download asks the storage again past its first bytes.
      byte[] data = new byte[1024 * 1024];
      new Random(7).nextBytes(data);
      for (int i = 0; i < 6; i++) {
        node.client().create().resource(new Patient().addPhoto(new Attachment().setData(data))).execute();
      }
      Exporter exporter = new Exporter(node);
      JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export?_type=Patient"));
      assertThat(manifest.path("output")).hasSize(1);
      String url = node.rootUrl() + Exporter.path(manifest.path("output").path(0).path("url").asText());
      try (LogLines log = LogLines.from(StreamedAnswer.class, Javalin.class)) {
        HttpResponse<InputStream> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());

        try (InputStream body = download.body()) {
          assertThat(download.statusCode()).isEqualTo(200);
          assertThat(body.readNBytes(1024)).hasSize(1024);
          own.close();

          assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
        }
        Eventually.within(Duration.ofSeconds(20), () -> assertThat(log.all()).isNotEmpty());
        Thread.sleep(1_000); // what Javalin logs as the handler returns, just after the abort the client saw

        assertThat(log.all()).as("one warning, not Javalin's error").extracting(ILoggingEvent::getLevel)
            .containsExactly(Level.WARN);
        assertThat(log.all().get(0).getFormattedMessage()).contains("connection aborted");
        assertThat(log.all().get(0).getThrowableProxy()).as("one line, no stack trace").isNull();
      }
    }
  }

  private static List<String> names(String container, String job) {
    BlobContainerClient client = blobs.getBlobContainerClient(container);
    List<String> names = new ArrayList<>();
    for (BlobItem item : client.listBlobs(new ListBlobsOptions().setPrefix(job + "/"), null)) {
      names.add(item.getName());
    }
    return names;
  }

  /** The blob a link names, {@code <job>/<Type>-<n>.ndjson} (its slash encoded in the link). */
  private static String blobName(String url) {
    String path = URI.create(url).getPath();
    return path.substring(path.indexOf("/exports/") + "/exports/".length());
  }

  /** Each line is the stored JSON of its resource, each resource once; {@code expected} lines, unless -1. */
  private static void assertSameAsStored(Map<String, List<String>> output, int expected) {
    List<String> keys = new ArrayList<>();
    Map<String, String> lines = new HashMap<>();
    output.forEach((type, of) -> of.forEach(line -> {
      String key = type + "/" + Exporter.tree(line).path("id").asText();
      keys.add(key);
      assertThat(lines.put(key, line)).as("exported twice: " + key).isNull();
    }));
    Map<String, ResourceVersion> stored = server.store().current(keys);
    lines.forEach((key, line) -> assertThat(line).as(key).isEqualTo(new String(stored.get(key).json(),
        StandardCharsets.UTF_8)));
    if (expected >= 0) {
      assertThat(keys).hasSize(expected);
    }
  }
}
