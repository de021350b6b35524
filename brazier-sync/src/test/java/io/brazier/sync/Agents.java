package io.brazier.sync;

import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.sync.map.MapLoader;
import io.brazier.testkit.TempFolders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Agents for the tests: over HTTP to a test server, with maps in a directory of their own. */
final class Agents {
  private Agents() {}

  /** A directory of maps: the given files, or the built-in ones when none is given. */
  static Path maps(String... namesAndContents) {
    try {
      Path dir = TempFolders.createUntilExit("sync-maps");
      if (namesAndContents.length == 0) {
        MapLoader.writeDefaults(dir);
      }
      for (int i = 0; i < namesAndContents.length; i += 2) {
        Files.writeString(dir.resolve(namesAndContents[i]), namesAndContents[i + 1]);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The built-in maps, with the Patient map allowed to create resources from rows. */
  static Path creatingPatients() {
    Path dir = maps();
    Path patient = dir.resolve("patient.json");
    try {
      Files.writeString(patient, Files.readString(patient).replace("\"messages\": [\"Update\"]",
          "\"messages\": [\"Create\", \"Update\"]"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  static SyncAgent start(TestServer server, TargetConfig target, SyncConfig config) {
    try {
      return SyncAgent.start(client(server), server.fhir(), target, config, new SimpleMeterRegistry());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpFhirClient client(TestServer server) {
    return new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(90));
  }

  /** The defaults, with these maps and the sync log on. */
  static SyncConfig config(Path maps) {
    SyncConfig defaults = SyncConfig.defaults();
    return new SyncConfig(defaults.workers(), 2, true, false, defaults.feedPageSize(), Duration.ofSeconds(5),
        defaults.backfillPageSize(), maps, Duration.ofMillis(200), defaults.conflicts(), null, false,
        defaults.unhealthyAfter());
  }
}
