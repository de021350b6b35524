package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BrazierTest {

  @Test
  void aCommandThatFailsSaysWhatToFixWithoutAStackTraceAndExitsNonZero(@TempDir Path dir) throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("data"), "");
    String[] args = {"serve", "--port", "0", "--data-dir", notAFolder.toString()};
    CommandLine command = Brazier.commandLine(args);
    StringWriter err = new StringWriter();
    command.setErr(new PrintWriter(err));

    int exit = command.execute(args);

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("brazier: Could not start the embedded PostgreSQL in " + notAFolder)
        .doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aValueTheServerRefusesIsAUsageErrorAsOneThatIsNoNumberIs() {
    Cli.run("serve", "--port", "70000").refused("--port must be between 0 and 65535, not 70000");
    Cli.run("serve", "--page-size", "0").refused("--page-size must be at least 1, not 0");
    Cli.run("serve", "--port", "eighty").refused("'eighty' is not an int");
  }

  @Test
  void aProcessorNoJarProvidesStopsTheServerBeforeItStartsAnything(@TempDir Path dataDir) {
    String[] args = {"serve", "--auth", "--port", "0", "--data-dir", dataDir.toString(), "--pre-processors",
        "everything,no-such"};
    CommandLine command = Brazier.commandLine(args);
    StringWriter err = new StringWriter();
    command.setErr(new PrintWriter(err));

    int exit = command.execute(args);

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("brazier serve: --pre-processors: there is no processor named 'no-such'")
        .contains("profile-validation").doesNotContain("\tat ");
    assertThat(dataDir.resolve("postgres")).doesNotExist();
  }

  @Test
  void aMisspeltOptionIsNamedWithItsLikelyFixInAFewLinesNotTheWholeUsage() {
    Cli cli = Cli.run("serve", "--prot=8081").refused("Unknown option: '--prot=8081'");

    assertThat(cli.err()).contains("Did you mean --port?", "See 'brazier serve --help'.")
        .doesNotContain("--sync-dataverse-url");
    assertThat(cli.err().lines()).hasSizeLessThan(6);
  }

  @Test
  void aMisspeltCommandIsNamedWithItsLikelyFix() {
    Cli cli = Cli.run("serv").refused("Unmatched argument at index 0: 'serv'");

    assertThat(cli.err()).contains("Did you mean serve?", "See 'brazier --help'");
  }
}
