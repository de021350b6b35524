package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.ExportConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code $export} flags of {@code serve}: the configuration they make. */
class ExportOptionsTest {
  private static final Path DATA = Path.of("data");

  @Command(name = "serve")
  static final class Serving {
    @Mixin
    ExportOptions export;
  }

  @Test
  void withoutFlagsExportsGoToTheDataDirWithTheDefaultsOfExportConfig() {
    ExportConfig config = parse().config(DATA, false);

    assertThat(config).isEqualTo(ExportConfig.builder().dir(DATA.toAbsolutePath().resolve("export")).build());
  }

  @Test
  void eachFlagSetsItsSetting() {
    String connection = "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1/a;";
    ExportConfig config = parse("--export-dir", "exports", "--export-file-max-mb", "3", "--export-max-running", "4",
        "--export-ttl", "PT2H", "--export-blob", connection, "--export-container", "cohort",
        "--export-blob-links", "server").config(DATA, true);

    assertThat(config.dir()).isEqualTo(Path.of("exports").toAbsolutePath());
    assertThat(config.fileMaxBytes()).isEqualTo(3L * 1024 * 1024);
    assertThat(config.maxRunning()).isEqualTo(4);
    assertThat(config.ttl()).isEqualTo(Duration.ofHours(2));
    assertThat(config.blob()).isEqualTo(connection);
    assertThat(config.container()).isEqualTo("cohort");
    assertThat(config.links()).isEqualTo(ExportConfig.Links.SERVER);
    assertThat(config.requiresAccessToken()).as("the server asks for tokens").isTrue();
    assertThat(config.page()).isEqualTo(ExportConfig.DEFAULT_PAGE);
    assertThat(config.sync()).isEqualTo(ExportConfig.DEFAULT_SYNC);
  }

  private static ExportOptions parse(String... args) {
    Serving serving = new Serving();
    new CommandLine(serving).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    return serving.export;
  }
}
