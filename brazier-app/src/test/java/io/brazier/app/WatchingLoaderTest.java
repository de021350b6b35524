package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.server.Caller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

/** The watching loader that {@code brazier serve --loader-dir} runs beside the server. */
class WatchingLoaderTest {
  private static final String BUNDLE = """
      {"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:2b9f7e52-51f4-4c3e-9d61-0c1a4b7e9d10",
       "resource":{"resourceType":"Patient","name":[{"family":"Dropped"}]},"request":{"method":"POST","url":"Patient"}}]}
      """;

  @TempDir
  Path dir;

  @Test
  void theWatchingLoaderOfASecuredServerLoadsInProcessWithoutAToken() throws Exception {
    Path drop = dir.resolve("drop");
    Serve serve = ServeArguments.parse("--auth", "--port", "0", "--loader-port", "0", "--data-dir", dir.resolve("data").toString(),
        "--loader-dir", drop.toString());

    try (Serve.Running running = serve.start()) {
      Files.createDirectories(drop.resolve("bundles"));
      Files.writeString(drop.resolve("bundles/one.json"), BUNDLE, StandardCharsets.UTF_8);
      Path processed = drop.resolve("bundlesprocessed/one.json.processed");
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (!Files.exists(processed) && !Files.exists(drop.resolve("bundleserr/one.json.err"))
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }

      assertThat(processed).exists();
      String found = running.server().api().client(Caller.system("urn:test"), "").get("Patient?family=Dropped")
          .text();
      assertThat(found).contains("\"total\":1").contains("\"source\":\"urn:brazier:loader\"");
    }
  }

  @Test
  void servesLoaderTakesTheExportJobLimitsAsBrazierLoaderDoes() {
    Serve serve = ServeArguments.parse("--loader-dir", dir.toString(), "--max-exports", "1",
        "--export-purge-days", "7");

    assertThat(serve.loaderExports.limits()).isEqualTo(new WatchingLoader.ExportLimits(1, Duration.ofDays(7)));
  }

  @Test
  void aServeWithoutRoomForAnExportJobIsRefusedBeforeAnythingStarts() {
    Serve serve = ServeArguments.parse("--port", "0", "--data-dir", dir.resolve("data").toString(),
        "--loader-dir", dir.resolve("drop").toString(), "--max-exports", "0");

    assertThatThrownBy(serve::start).isInstanceOf(ParameterException.class).hasMessageContaining("--max-exports");
    assertThat(dir.resolve("data")).doesNotExist();
  }
}
