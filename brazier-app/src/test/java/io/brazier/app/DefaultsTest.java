package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.server.ImportConfig;
import io.brazier.server.ServerConfig;
import java.io.IOException;
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
  void theMostIndexEntriesOfAResourceIsAFlagAnEnvironmentVariableAndAConfigKey() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "max-index-entries=300\n");

    Serve fromFile = parse(new String[] {"serve", "--config", config.toString()}, Map.of());
    Serve fromEnvironment = parse(new String[] {"serve"}, Map.of("BRAZIER_MAX_INDEX_ENTRIES", "200"));
    Serve fromFlag = parse(new String[] {"serve", "--max-index-entries", "100"}, Map.of());

    assertThat(parse(new String[] {"serve"}, Map.of()).maxIndexEntries)
        .isEqualTo(ServerConfig.DEFAULT_MAX_INDEX_ENTRIES);
    assertThat(fromFile.maxIndexEntries).isEqualTo(300);
    assertThat(fromEnvironment.maxIndexEntries).isEqualTo(200);
    assertThat(fromFlag.maxIndexEntries).isEqualTo(100);
  }

  @Test
  void theFailedLinesAfterWhichAnImportReadsAnInputNoFurtherIsAFlagAndAnEnvironmentVariable() {
    assertThat(parse(new String[] {"serve"}, Map.of()).maxImportErrors).isEqualTo(ImportConfig.MAX_ERRORS);
    assertThat(parse(new String[] {"serve"}, Map.of("BRAZIER_MAX_IMPORT_ERRORS", "200")).maxImportErrors)
        .isEqualTo(200);
    assertThat(parse(new String[] {"serve", "--max-import-errors", "100"}, Map.of()).maxImportErrors).isEqualTo(100);
  }

  @Test
  void theConfigFileCanComeFromTheEnvironment() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "port=7003\n");

    Serve serve = parse(new String[] {"serve"}, Map.of("BRAZIER_CONFIG", config.toString()));

    assertThat(serve.port).isEqualTo(7003);
  }

  @Test
  void aMissingConfigFileIsAUsageErrorNotAStackTrace() {
    Cli.run("serve", "--config", dir.resolve("nope").toString()).refused("--config " + dir.resolve("nope")
        + ": no such file");
  }

  @Test
  void aConfigKeyThatIsNoOptionIsAUsageErrorNamingIt() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "prot=7001\nhost=127.0.0.1\n");

    assertThatThrownBy(() -> parse(new String[] {"serve", "--config", config.toString()}, Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("prot (did you mean port?) is not an option of any brazier command")
        .hasMessageContaining("brazier serve --help");
  }

  @Test
  void anOptionsOtherLongNameIsAConfigKeyToo() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "target-url=jdbc:postgresql://crm/crm\n");

    SyncCommand sync = (SyncCommand) command(new String[] {"sync", "--config", config.toString()}, Map.of());

    assertThat(sync.url).isEqualTo("jdbc:postgresql://crm/crm");
  }

  @Test
  void aConfigFileMayHoldTheOptionsOfOtherCommands() throws IOException {
    Path config = Files.writeString(dir.resolve("brazier.properties"), "port=7004\nfhir=http://fhir/fhir\n");

    assertThat(parse(new String[] {"serve", "--config", config.toString()}, Map.of()).port).isEqualTo(7004);
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

  @Test
  void theSyncTargetsPasswordIsOneEnvironmentVariableAndConfigKeyForServeAndSync() throws IOException {
    Map<String, String> environment = Map.of("BRAZIER_SYNC_TARGET_PASSWORD", "secret");
    Path config = Files.writeString(dir.resolve("brazier.properties"), "sync-workers=8\nsync-target-schema=soe\n");

    Serve serve = parse(new String[] {"serve", "--sync", "--config", config.toString()}, environment);
    SyncCommand sync = (SyncCommand) command(new String[] {"sync", "--fhir", "http://fhir/fhir", "--target-url",
        "jdbc:postgresql://crm/crm", "--config", config.toString()}, environment);

    assertThat(serve.sync.password).isEqualTo("secret");
    assertThat(serve.sync.schema).isEqualTo("soe");
    assertThat(serve.sync.tuning.workers).isEqualTo(8);
    assertThat(sync.password).isEqualTo("secret");
    assertThat(sync.schema).isEqualTo("soe");
    assertThat(sync.tuning.workers).isEqualTo(8);
  }

  @Test
  void syncHelpExplainsEveryOption() {
    CommandLine sync = Brazier.commandLine(new String[0]).getSubcommands().get("sync");

    String help = sync.getUsageMessage();

    sync.getCommandSpec().options().forEach(option -> {
      assertThat(help).contains(option.shortestName());
      assertThat(option.description()).as(option.longestName()).isNotEmpty();
    });
  }

  private static Serve parse(String[] args, Map<String, String> environment) {
    return (Serve) command(args, environment);
  }

  /** The command object of the subcommand that {@code args} name, its options set. */
  private static Object command(String[] args, Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new Brazier());
    commandLine.setDefaultValueProvider(Defaults.from(args, environment));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true); // as Brazier.commandLine sets it
    CommandLine.ParseResult result = commandLine.parseArgs(args);
    return result.subcommand().commandSpec().userObject();
  }
}
