package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brazier loader}, the watching service: each flag that cannot work stops it before it watches anything,
 * exit 2, with a message naming the flag; the watched folder is left as it was.
 */
class LoaderCommandTest {
  @TempDir
  Path dir;

  @Test
  void withoutAFolderOrABlobAccountItSaysWhichFlagsToGive() {
    Cli.run("loader", "--fhir", "http://127.0.0.1:1/fhir").refused("--dir DIR").refused("--blob");
  }

  @Test
  void aFhirUrlThatIsNoHttpUrlIsRefused() {
    Cli.run("loader", "--dir", dir.toString(), "--fhir", "ftp://fhir.example/fhir")
        .refused("--fhir must be an http(s) URL");

    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void aNegativeSettleIsRefusedNamingIt() {
    assertRefused(List.of("--settle", "-PT1S"), "--settle must be 0 or more, not PT-1S");
  }

  @Test
  void aNegativeRetryBaseIsRefusedNamingIt() {
    assertRefused(List.of("--retry-base", "-PT1S"), "--retry-base must be 0 or more, not PT-1S");
  }

  @Test
  void batchesWithoutEntriesAreRefused() {
    assertRefused(List.of("--bundle-size", "0"), "--bundle-size must be at least 1, not 0");
    assertRefused(List.of("--max-entries", "0"), "--max-entries must be at least 1, not 0");
  }

  @Test
  void noExportJobsAtOnceIsRefused() {
    assertRefused(List.of("--max-exports", "0"), "--max-exports must be at least 1, not 0");
  }

  @Test
  void aNegativePurgeOfExportJobsIsRefused() {
    assertRefused(List.of("--export-purge-days", "-1"), "--export-purge-days must be 0 or more, not -1");
  }

  @Test
  void aSettleThatIsNotIso8601IsAUsageErrorNamingTheFlag() {
    assertRefused(List.of("--settle", "2s"), "--settle");
  }

  /** {@code loader --dir} with these flags stops with exit 2, says {@code message}, and makes no folder. */
  private void assertRefused(List<String> flags, String message) {
    List<String> args = new ArrayList<>(List.of("loader", "--dir", dir.toString(), "--fhir",
        "http://127.0.0.1:1/fhir", "--port", "0"));
    args.addAll(flags);

    Cli.run(args.toArray(String[]::new)).refused(message);

    assertThat(dir).isEmptyDirectory();
  }
}
