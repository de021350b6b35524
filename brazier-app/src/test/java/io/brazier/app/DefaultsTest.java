package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DefaultsTest {
  @TempDir
  Path dir;

  @Test
  void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "port=7001\nhost=0.0.0.0\nlenient=true\n");
    Map<String, String> environment = Map.of("BRAZIER_PORT", "7002", "BRAZIER_DB_URL", "jdbc:postgresql://db/fhir");
    String[] args = {"serve", "--config", config.toString(), "--host", "127.0.0.2"};

    Serve serve = parse(args, environment);

    assertThat(serve.host).isEqualTo("127.0.0.2");
    assertThat(serve.port).isEqualTo(7002);
    assertThat(serve.database.dbUrl).isEqualTo("jdbc:postgresql://db/fhir");
    assertThat(serve.lenient).isTrue();
    assertThat(serve.conditionalDeleteMax).isEqualTo(100);
  }

  @Test
  void theMaximumPageSizeIsAFlagAnEnvironmentVariableAndAConfigKey() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "max-page-size=300\n");

    Serve fromFile = parse(new String[] {"serve", "--config", config.toString()}, Map.of());
    Serve fromEnvironment = parse(new String[] {"serve"}, Map.of("BRAZIER_MAX_PAGE_SIZE", "200"));
    Serve fromFlag = parse(new String[] {"serve", "--max-page-size", "100"}, Map.of("BRAZIER_MAX_PAGE_SIZE", "200"));

    assertThat(parse(new String[] {"serve"}, Map.of()).maxPageSize).isEqualTo(1000);
    assertThat(fromFile.maxPageSize).isEqualTo(300);
    assertThat(fromEnvironment.maxPageSize).isEqualTo(200);
    assertThat(fromFlag.maxPageSize).isEqualTo(100);
  }

  @Test
  void theConfigFileCanComeFromTheEnvironment() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "port=7003\n");

    Serve serve = parse(new String[] {"serve"}, Map.of("BRAZIER_CONFIG", config.toString()));

    assertThat(serve.port).isEqualTo(7003);
  }

  @Test
  void aMissingConfigFileIsAClearError() {
    assertThatThrownBy(() -> parse(new String[] {"serve", "--config", dir.resolve("nope").toString()}, Map.of()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("--config");
  }

  @Test
  void theChangesRetentionIsDaysOrAnIsoDurationAndKeepsAllByDefault() {
    assertThat(parse(new String[] {"serve"}, Map.of()).changesRetention).isNull();
    assertThat(parse(new String[] {"serve", "--changes-retention", "30"}, Map.of()).changesRetention)
        .isEqualTo(Duration.ofDays(30));
    assertThat(parse(new String[] {"serve"}, Map.of("BRAZIER_CHANGES_RETENTION", "PT12H")).changesRetention)
        .isEqualTo(Duration.ofHours(12));
    for (String bad : List.of("0", "-1", "P-1D", "a week", "")) {
      assertThatThrownBy(() -> parse(new String[] {"serve", "--changes-retention", bad}, Map.of())).as(bad)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--changes-retention")
          .hasMessageContaining("ISO-8601");
    }
  }

  @Test
  void environmentNamesFollowTheLongOptionName() {
    assertThat(Defaults.environmentName("db-statement-timeout")).isEqualTo("BRAZIER_DB_STATEMENT_TIMEOUT");
  }

  @Test
  void serveHelpExplainsEveryOption() {
    CommandLine serve = Brazier.commandLine(new String[0]).getSubcommands().get("serve");

    String help = serve.getUsageMessage();

    serve.getCommandSpec().options().forEach(option -> {
      assertThat(help).contains(option.longestName());
      assertThat(option.description()).as(option.longestName()).isNotEmpty();
    });
  }

  private static Serve parse(String[] args, Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new Brazier());
    commandLine.setDefaultValueProvider(Defaults.from(args, environment));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true); // as Brazier.commandLine sets it
    CommandLine.ParseResult result = commandLine.parseArgs(args);
    return (Serve) result.subcommand().commandSpec().userObject();
  }
}
