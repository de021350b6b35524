package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.Http;
import io.brazier.server.NodeProcess;
import io.brazier.server.ImportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.server.operation.Importer.Input;
import io.brazier.store.Change;
import io.brazier.store.ChangeQuery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server process killed with SIGKILL in the middle of an import, and started again on its data directory: the job
 * resumes when the dead node's lease runs out, and every line is imported exactly once, one version each, one change
 * each.
 */
class ImportKillTest {
  private static final int PATIENTS = 6_000;
  private static final int OBSERVATIONS = 6_000;

  @Test
  void anImportKilledWhileMergingResumesAfterARestartAndImportsEveryLineExactlyOnce(@TempDir Path folder,
      @TempDir Path data) throws Exception {
    String patients = write(folder.resolve("Patient.ndjson"), PATIENTS,
        i -> "{\"resourceType\":\"Patient\",\"id\":\"k" + i + "\",\"name\":[{\"family\":\"Killed\",\"given\":[\"n"
            + i + "\"]}],\"birthDate\":\"1970-01-01\"}");
    String observations = write(folder.resolve("Observation.ndjson"), OBSERVATIONS,
        i -> "{\"resourceType\":\"Observation\",\"id\":\"ko" + i + "\",\"status\":\"final\",\"code\":{\"coding\":"
            + "[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}]},\"subject\":{\"reference\":\"Patient/k"
            + (i % PATIENTS) + "\"},\"valueQuantity\":{\"value\":" + (150 + i % 50) + ",\"unit\":\"cm\"}}");
    String parameters = Importer.parameters("IncrementalLoad", new Input("Observation", observations),
        new Input("Patient", patients));

    NodeProcess node = NodeProcess.start(Node.class, data.toString(), folder.toString());
    String status = kickOff(node, parameters);
    String progress = awaitProgress(status, "merging: [1-9][0-9]* of .*");
    node.kill(); // in the middle of the merge
    assertThat(progress).as("killed while merging").matches("merging: [1-9][0-9]* of [0-9]+ batches merged");

    try (TestServer restarted = TestServer.start(data, config(folder))) {
      String path = status.substring(status.indexOf("/fhir/"));
      Set<String> merging = new LinkedHashSet<>();
      JsonNode manifest = Importer.manifest(new Importer(restarted).pollUntil(path, polled -> {
        polled.header("X-Progress").filter(seen -> seen.startsWith("merging: ")).ifPresent(merging::add);
        return polled.status() != 202;
      }));

      String total = progress.substring(progress.indexOf(" of ") + 4); // "12 batches merged"
      assertThat(merging).as("the merge resumed counts on, of the same total").isNotEmpty()
          .allSatisfy(seen -> assertThat(seen).endsWith(" of " + total));

      assertThat(Importer.count(manifest, observations)).isEqualTo(OBSERVATIONS);
      assertThat(Importer.count(manifest, patients)).isEqualTo(PATIENTS);
      assertThat(manifest.path("error")).isEmpty();
      assertThat(count(restarted, "Patient?family=Killed")).isEqualTo(PATIENTS);
      assertThat(count(restarted, "Observation?subject:Patient.family=Killed")).isEqualTo(OBSERVATIONS);
      Map<String, Integer> changes = new HashMap<>();
      restarted.store().numberChanges();
      for (List<Change> page = changes(restarted, 0); !page.isEmpty();
          page = changes(restarted, page.get(page.size() - 1).sequence())) {
        page.forEach(change -> changes.merge(change.type() + "/" + change.id() + "/" + change.version(), 1,
            Integer::sum));
      }
      assertThat(changes).hasSize(PATIENTS + OBSERVATIONS).allSatisfy((key, times) -> {
        assertThat(key).endsWith("/1");
        assertThat(times).as(key).isEqualTo(1);
      });
      Http.Response history = restarted.http().get("/fhir/Patient/k7/_history");
      assertThat(restarted.fhir().jsonParser().parseResource(Bundle.class, history.body()).getEntry()).hasSize(1);
    }
  }

  /**
   * A file replaced between a crash and the resume (another version, of another size): the lines staged before the
   * crash are of its first version, so the resumed job fails the input where it broke off, as it fails an http(s) or
   * Blob input whose ETag changed, rather than go on with the lines of the new version.
   */
  @Test
  void aFileReplacedBetweenAKillAndTheResumeFailsWhereItBrokeOffRatherThanGoOnWithItsNewVersion(
      @TempDir Path folder, @TempDir Path data) throws Exception {
    Path file = folder.resolve("Patient.ndjson");
    String url = write(file, PATIENTS * 5, i -> patient("r" + i, "First"));
    NodeProcess node = NodeProcess.start(Node.class, data.toString(), folder.toString());
    String status = kickOff(node, Importer.parameters(null, new Input("Patient", url)));
    awaitProgress(status, "reading input 1 of 1, [1-9][0-9]* lines read");
    node.kill(); // in the middle of the reading
    write(file, PATIENTS * 5 + 1, i -> patient("r" + i, "Second"));

    try (TestServer restarted = TestServer.start(data, config(folder))) {
      Importer importer = new Importer(restarted);
      JsonNode manifest = Importer.manifest(importer.await(status.substring(status.indexOf("/fhir/"))));

      long staged = count(restarted, "Patient?given=First");
      assertThat(staged).as("killed while reading").isPositive().isLessThan(PATIENTS * 5);
      assertThat(count(restarted, "Patient?given=Second")).as("lines of the new version").isZero();
      assertThat(Importer.count(manifest, url)).isEqualTo(staged);
      assertThat(importer.diagnostics(manifest, url)).singleElement().asString()
          .startsWith("Line " + (staged + 1) + " of " + url + ": The input changed while it was read: lines 1 to "
              + staged + " are of its version with ETag ");
    }
  }

  private static String patient(String id, String given) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Replaced\",\"given\":[\""
        + given + "\"]}]}";
  }

  /** Kicks off an import on a node; the URL of its status. */
  private static String kickOff(NodeProcess node, String parameters) throws Exception {
    HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.baseUrl()
        + "/$import")).header("Prefer", "respond-async").header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(parameters)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return started.headers().firstValue("Content-Location").orElseThrow();
  }

  private static ServerConfig config(Path folder) {
    return ServerConfig.builder().imports(new ImportConfig(folder, List.of(), null)).build();
  }

  /** The server process of this test: it runs until it is killed. */
  public static final class Node {
    public static void main(String[] args) throws Exception {
      NodeProcess.serve(TestServer.start(Path.of(args[0]), config(Path.of(args[1]))));
    }
  }

  private static String awaitProgress(String status, String pattern) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> polled = http.send(HttpRequest.newBuilder(URI.create(status)).build(),
          HttpResponse.BodyHandlers.ofString());
      String progress = polled.headers().firstValue("X-Progress").orElse("");
      if (progress.matches(pattern)) {
        return progress;
      }
      assertThat(polled.statusCode()).as("the import ended before it could be killed").isEqualTo(202);
      Thread.sleep(5);
    }
    throw new AssertionError("The import never reached " + pattern);
  }

  private static String write(Path file, int lines, java.util.function.IntFunction<String> line) throws IOException {
    List<String> all = new ArrayList<>(lines);
    for (int i = 0; i < lines; i++) {
      all.add(line.apply(i));
    }
    Files.write(file, all);
    return file.toUri().toString();
  }

  private static List<Change> changes(TestServer server, long after) {
    return server.store().changes(ChangeQuery.after(after, 5000)).changes();
  }

  private static long count(TestServer server, String query) {
    return server.client().search().byUrl(query + "&_summary=count").returnBundle(Bundle.class).execute()
        .getTotal();
  }
}
