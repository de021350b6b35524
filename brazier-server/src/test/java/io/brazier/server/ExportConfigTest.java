package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * How {@code $export} is configured: the defaults of {@code brazier serve}, each flag out of range refused naming
 * itself and what it takes, and each copy changing only what it names.
 */
class ExportConfigTest {
  private static final String CONNECTION_STRING = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
      + "AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
  private final ExportConfig defaults = ExportConfig.defaults();

  @Test
  void theDefaultsWriteLocalFilesKeptADay() {
    assertThat(defaults.dir()).isNull();
    assertThat(defaults.toBlob()).isFalse();
    assertThat(defaults.fileMaxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(defaults.maxRunning()).isEqualTo(2);
    assertThat(defaults.ttl()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.container()).isEqualTo("export");
    assertThat(defaults.links()).isEqualTo(ExportConfig.Links.SAS);
    assertThat(defaults.requiresAccessToken()).isFalse();
  }

  @Test
  void aValueOutOfRangeIsRefusedNamingItsFlag() {
    assertRefused(c -> c.withLimits(0, 2, Duration.ofHours(1), 10), "--export-file-max-mb must be at least 1, not 0");
    assertRefused(c -> c.withLimits(1024, 0, Duration.ofHours(1), 10), "--export-max-running must be at least 1");
    assertRefused(c -> c.withLimits(1024, 1, Duration.ZERO, 10), "--export-ttl must be a positive duration");
    assertRefused(c -> c.withLimits(1024, 1, Duration.ofSeconds(-1), 10), "--export-ttl");
    assertRefused(c -> c.withLimits(1024, 1, null, 10), "--export-ttl");
    assertRefused(c -> c.withLimits(1024, 1, Duration.ofHours(1), 0), "at least one resource at a time");
    assertRefused(c -> c.withSync(Duration.ofMillis(-1)), "syncs at most every 10 s");
    assertRefused(c -> c.withSync(null), "syncs at most every 10 s");
  }

  @Test
  void aTimeToLiveLongerThanEndedJobsAreKeptIsRefused() {
    ExportConfig week = defaults.withLimits(1024, 1, ExportConfig.MAX_TTL, 1);

    assertThat(week.ttl()).isEqualTo(Duration.ofDays(7));
    assertRefused(c -> c.withLimits(1024, 1, ExportConfig.MAX_TTL.plusSeconds(1), 1),
        "--export-ttl must be a positive duration of at most PT168H (how long ended jobs are kept), not PT168H1S");
  }

  @Test
  void aSyncOfZeroSyncsAfterEveryPageAndTenSecondsIsTheLongest() {
    assertThat(defaults.withSync(Duration.ZERO).sync()).isZero();
    assertThat(defaults.withSync(Duration.ofSeconds(10)).sync()).isEqualTo(Duration.ofSeconds(10));
    assertRefused(c -> c.withSync(Duration.ofSeconds(10).plusMillis(1)), "well within its job's lease");
  }

  @Test
  void containerNamesFollowAzuresRule() {
    assertThat(ExportConfig.isContainerName("abc")).isTrue();
    assertThat(ExportConfig.isContainerName("a".repeat(63))).isTrue();
    assertThat(ExportConfig.isContainerName("cohort-1-b")).isTrue();
    assertThat(ExportConfig.isContainerName("ab")).as("too short").isFalse();
    assertThat(ExportConfig.isContainerName("a".repeat(64))).as("too long").isFalse();
    assertThat(ExportConfig.isContainerName("Exports")).as("upper case").isFalse();
    assertThat(ExportConfig.isContainerName("a--b")).as("two hyphens").isFalse();
    assertThat(ExportConfig.isContainerName("-abc")).as("leading hyphen").isFalse();
    assertThat(ExportConfig.isContainerName("abc-")).as("trailing hyphen").isFalse();
    assertThat(ExportConfig.isContainerName("a_b.c")).as("other characters").isFalse();
    assertThat(ExportConfig.isContainerName("../x")).isFalse();
  }

  @Test
  void aContainerThatIsNoBlobContainerNameIsRefused() {
    assertRefused(c -> c.withBlob(CONNECTION_STRING, "Exports", ExportConfig.Links.SAS),
        "--export-container must be a Blob container name (3-63 lower-case letters, digits and single hyphens),"
            + " not Exports");
    assertRefused(c -> c.withBlob(CONNECTION_STRING, null, ExportConfig.Links.SAS), "--export-container");
  }

  @Test
  void sasLinksNeedTheAccountKeyOfAConnectionString() {
    String accountUrl = "https://account.blob.core.windows.net/?sv=2022-11-02&sig=abc";

    assertRefused(c -> c.withBlob(accountUrl, "export", ExportConfig.Links.SAS), "use --export-blob-links=server");
    assertRefused(c -> c.withBlob(accountUrl, "export", null), "use --export-blob-links=server");
    ExportConfig serverLinks = defaults.withBlob(accountUrl, "export", ExportConfig.Links.SERVER);
    assertThat(serverLinks.toBlob()).isTrue();
    assertThat(serverLinks.links()).isEqualTo(ExportConfig.Links.SERVER);
    assertThat(defaults.withBlob(CONNECTION_STRING, "export", null).links()).as("the default")
        .isEqualTo(ExportConfig.Links.SAS);
  }

  @Test
  void aBlankBlobSettingMeansLocalFiles() {
    ExportConfig blank = defaults.withBlob("  ", "export", ExportConfig.Links.SAS);

    assertThat(blank.blob()).isNull();
    assertThat(blank.toBlob()).isFalse();
  }

  @Test
  void eachCopyChangesOnlyWhatItNames() {
    ExportConfig blob = defaults.withBlob(CONNECTION_STRING, "cohort", ExportConfig.Links.SERVER);
    ExportConfig all = blob.withDir(Path.of("/data/export")).withLimits(2048, 5, Duration.ofHours(2), 7)
        .withSync(Duration.ofMillis(500)).withRequiresAccessToken(true);

    assertThat(all).isEqualTo(new ExportConfig(Path.of("/data/export"), 2048, 5, Duration.ofHours(2),
        CONNECTION_STRING, "cohort", ExportConfig.Links.SERVER, true, 7, Duration.ofMillis(500)));
  }

  private void assertRefused(UnaryOperator<ExportConfig> change, String message) {
    assertThatThrownBy(() -> change.apply(defaults)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
