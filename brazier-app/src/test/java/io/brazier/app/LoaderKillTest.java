package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real {@code brazier loader} process (SIGKILL) in the middle of a load, starts it again, and checks that
 * every file ends in exactly one result folder and that every resource is stored once, none lost.
 */
class LoaderKillTest {
  // References are not checked: the files load in the order the loader takes them, which is not the test's point.
  private static final TestServer server = TestServer.onSharedStore(ServerConfig.builder()
      .referentialIntegrity(ServerConfig.ReferentialIntegrity.LENIENT).build());
  private final IGenericClient client = server.client();

  @TempDir
  Path dir;

  @org.junit.jupiter.api.AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aLoaderKilledMidLoadAndStartedAgainLoadsEveryFileExactlyOnce() throws Exception {
    Map<String, List<String>> idsByType = dropSampleAsSmallNdjsonFiles(dir.resolve("ndjson"), 12);
    int files = idsByType.isEmpty() ? 0 : count(dir.resolve("ndjson"));

    try (LoaderProcess first = loader()) {
      first.await("a first file loaded", () -> count(dir.resolve("ndjsonprocessed")) >= 2);
    }
    int doneBeforeKill = count(dir.resolve("ndjsonprocessed"));
    try (LoaderProcess second = loader()) {
      second.await("every file loaded", () -> count(dir.resolve("ndjson")) == 0
          && count(dir.resolve("ndjsonprocessed")) == files);
    }

    assertThat(doneBeforeKill).as("files done when killed").isLessThan(files);
    assertThat(count(dir.resolve("ndjsonerr"))).as("files in the error folder: %s", errors()).isZero();
    idsByType.forEach((type, ids) -> assertThat(stored(type, ids)).as(type + " stored once each").isEqualTo(ids.size()));
  }

  /** The Synthea sample (372 resources of many types) cut into NDJSON files of {@code lines} lines. */
  private static Map<String, List<String>> dropSampleAsSmallNdjsonFiles(Path folder, int lines) throws IOException {
    Files.createDirectories(folder);
    Map<String, List<String>> ids = new HashMap<>();
    ObjectMapper json = Jackson.MAPPER;
    List<String> all = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        LoaderKillTest.class.getResourceAsStream("/synthea/sample.ndjson.gz")), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        JsonNode resource = json.readTree(line);
        ids.computeIfAbsent(resource.path("resourceType").asText(), type -> new ArrayList<>())
            .add(resource.path("id").asText());
        all.add(line);
      }
    }
    for (int from = 0, n = 1; from < all.size(); from += lines, n++) {
      Files.write(folder.resolve(String.format("part-%03d.ndjson", n)), all.subList(from, Math.min(all.size(),
          from + lines)));
    }
    return ids;
  }

  /** The loader, slowed to small batches so that the kill lands mid-load. */
  private LoaderProcess loader() throws IOException {
    return LoaderProcess.start(dir, "--fhir", server.baseUrl(), "--port", "0", "--settle", "PT0.1S",
        "--concurrency", "1", "--bundle-size", "2");
  }

  private int stored(String type, List<String> ids) {
    int total = 0;
    for (int from = 0; from < ids.size(); from += 40) {
      String some = String.join(",", new TreeSet<>(ids.subList(from, Math.min(ids.size(), from + 40))));
      total += client.search().byUrl(type + "?_id=" + some).summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class)
          .execute().getTotal();
    }
    return total;
  }

  private String errors() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("ndjsonerr"))) {
      StringBuilder text = new StringBuilder();
      for (Path file : files.filter(f -> f.toString().endsWith(".actionneeded")).limit(2).toList()) {
        text.append(Files.readString(file), 0, Math.min(1500, (int) Files.size(file)));
      }
      return text.toString();
    }
  }

  private static int count(Path folder) {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return (int) files.filter(file -> !file.getFileName().toString().startsWith(".")).count();
    } catch (IOException e) {
      return 0;
    }
  }
}
