package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ImportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.ServerConfig.MissingReferences;
import io.brazier.server.TestServer;
import io.brazier.server.operation.Importer.Input;
import io.brazier.testkit.TempFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reference check of {@code $import} with {@code --missing-references=placeholder}, on a server of its own (its
 * job runner reads this class's folder): the rounds end even when a placeholder's own line fails, and a reference
 * that no placeholder can stand in for fails its line alone.
 */
class ImportChecksTest {
  private static Path folder;
  private static TestServer server;
  private static Importer importer;

  @BeforeAll
  static void start() throws IOException {
    folder = Files.createTempDirectory("brazier-import").toRealPath();
    server = TestServer.start(ServerConfig.builder().imports(new ImportConfig(folder, List.of(), null))
        .missingReferences(MissingReferences.PLACEHOLDER).build());
    importer = new Importer(server);
  }

  @AfterAll
  static void stop() {
    server.close();
    TempFolders.delete(folder);
  }

  /**
   * A SearchParameter must be usable for search, which a placeholder is not: the line that references one fails, the
   * lines beside it are imported (with a placeholder Patient), and the job completes.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aLineNoPlaceholderCanStandInForFailsAlone() {
    String url = Importer.ndjson(folder.resolve("Provenance.ndjson"), List.of(provenance("v1", "SearchParameter/sp1"),
        provenance("v2", "Patient/p2")));

    JsonNode manifest = importer.run(null, new Input("Provenance", url));

    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    assertThat(importer.diagnostics(manifest, url)).containsExactly("Line 1 of " + url + ": The reference"
        + " SearchParameter/sp1 names no resource on this server, and no placeholder can stand in for it:"
        + " A SearchParameter needs a url to be used for search.");
    assertThat(server.http().get("/fhir/Provenance/v2").status()).isEqualTo(200);
    assertThat(server.http().get("/fhir/Patient/p2").status()).as("its placeholder").isEqualTo(200);
  }

  /**
   * A placeholder ImplementationGuide fails its line (HAPI writes no extension of an id element, so its required
   * {@code packageId} is lost): the next round makes no new placeholder, so the line that needs it fails rather than
   * the check waiting for a placeholder again and again (it did, without end, on a placeholder Encounter).
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aLineWhosePlaceholderFailsFailsInsteadOfWaitingForItAgain() {
    String url = Importer.ndjson(folder.resolve("Provenance-of-a-guide.ndjson"),
        List.of(provenance("v3", "ImplementationGuide/ig1")));

    JsonNode manifest = importer.run(null, new Input("Provenance", url));

    assertThat(Importer.count(manifest, url)).isZero();
    assertThat(importer.diagnostics(manifest, url)).containsExactly("Line 1 of " + url
        + ": The reference ImplementationGuide/ig1 names a resource of this import whose line failed.");
    assertThat(server.http().get("/fhir/Provenance/v3").status()).isEqualTo(404);
  }

  private static String provenance(String id, String target) {
    return """
        {"resourceType":"Provenance","id":"%s","target":[{"reference":"%s"}],"recorded":"2026-12-01T00:00:00Z",\
        "agent":[{"who":{"reference":"Practitioner/a1"}}]}""".formatted(id, target);
  }
}
