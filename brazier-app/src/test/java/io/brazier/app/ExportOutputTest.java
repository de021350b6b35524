package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code brazier export} writes, as a user gets it wrong: a usage error naming the flag, nothing written. */
class ExportOutputTest {
  @TempDir
  Path out;

  @Test
  void aFileSizeBelowOneMegabyteIsAUsageError() {
    Cli zero = export("--out", out.toString(), "--file-max-mb", "0");
    Cli negative = export("--out", out.toString(), "--file-max-mb", "-5");

    assertThat(List.of(zero, negative)).extracting(Cli::code).containsOnly(2);
    assertThat(zero.err()).contains("--file-max-mb must be at least 1");
    assertThat(out).isEmptyDirectory();
  }

  @Test
  void aContainerNameBlobStorageRefusesIsAUsageErrorBeforeAnyConnection() {
    for (String name : List.of("Exports", "ex", "ex--ports", "-exports", "exports_2026")) {
      Cli run = export("--out", "UseDevelopmentStorage=true", "--container", name);

      assertThat(run.code()).as(name).isEqualTo(2);
      assertThat(run.err()).as(name).contains("--container must be 3 to 63 lowercase letters");
    }
  }

  @Test
  void anAccountUrlWithoutAContainerIsAUsageError() {
    Cli run = export("--out", "https://account.blob.core.windows.net/?sv=2024&sig=x");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--container NAME");
  }

  private static Cli export(String... options) {
    String[] args = new String[options.length + 6];
    System.arraycopy(new String[] {"export", "all", "--type", "Observation", "--fhir", "http://127.0.0.1:9/fhir"}, 0,
        args, 0, 6);
    System.arraycopy(options, 0, args, 6, options.length);
    return Cli.run(args);
  }
}
