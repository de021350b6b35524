package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.ExportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports expire {@code --export-ttl} after they end: the sweeper deletes the job and its files, and files that no
 * job owns, but leaves alone what is not an export's.
 */
class ExportSweeperTest {
  /**
   * Long enough that the test sees a finished export before it expires, however late its last poll comes on a busy
   * machine; the sweeper still runs every second.
   */
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir.resolve("db"), ServerConfig.builder().exports(ExportConfig.builder()
        .dir(dir.resolve("export")).fileMaxBytes(64 * 1024).ttl(TTL).page(100).build()).build());
    Sample.load(server, "");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anExportIsDeletedFilesAndJobOnceItsTimeToLiveHasPassed() {
    Exporter exporter = new Exporter(server);
    String status = exporter.start("/fhir/$export?_type=Patient");
    exporter.manifest(status);
    Path folder = dir.resolve("export").resolve(status.substring(status.lastIndexOf('/') + 1));
    assertThat(folder).isDirectory();

    // The sweeper deletes the files, then the job: wait for both.
    await(() -> !Files.exists(folder) && server.http().get(status).status() == 404);

    server.http().refused(404, "GET", status, (byte[]) null);
  }

  @Test
  void filesOfNoJobAreDeletedAndWhatIsNoExportsIsKept() throws IOException {
    Path orphan = Files.createDirectories(dir.resolve("export").resolve(UUID.randomUUID().toString()));
    Files.writeString(orphan.resolve("Patient-1.ndjson"), "{}\n");
    Path other = Files.createDirectories(dir.resolve("export").resolve("notes"));
    Files.writeString(other.resolve("readme.txt"), "kept");

    await(() -> !Files.exists(orphan));

    assertThat(other.resolve("readme.txt")).hasContent("kept");
  }

  private static void await(BooleanSupplier condition) {
    Eventually.until(DEADLINE, "swept", condition);
  }
}
