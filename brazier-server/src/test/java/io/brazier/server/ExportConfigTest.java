package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * How {@code $export} is configured: the defaults of {@code brazier serve}, each flag out of range refused naming
 * itself and what it takes, and what the builder sets.
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
    assertThat(defaults.page()).isEqualTo(2000);
    assertThat(defaults.sync()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aValueOutOfRangeIsRefusedNamingItsFlag() {
    assertRefused(b -> b.fileMaxBytes(0), "--export-file-max-mb must be at least 1, not 0");
    assertRefused(b -> b.maxRunning(0), "--export-max-running must be at least 1");
    assertRefused(b -> b.ttl(Duration.ZERO), "--export-ttl must be a positive duration");
    assertRefused(b -> b.ttl(Duration.ofSeconds(-1)), "--export-ttl");
    assertRefused(b -> b.ttl(null), "--export-ttl");
    assertRefused(b -> b.page(0), "at least one resource at a time");
    assertRefused(b -> b.sync(Duration.ofMillis(-1)), "syncs at most every 10 s");
    assertRefused(b -> b.sync(null), "syncs at most every 10 s");
  }

  @Test
  void aTimeToLiveLongerThanEndedJobsAreKeptIsRefused() {
    ExportConfig week = ExportConfig.builder().ttl(ExportConfig.MAX_TTL).build();

    assertThat(week.ttl()).isEqualTo(Duration.ofDays(7));
    assertRefused(b -> b.ttl(ExportConfig.MAX_TTL.plusSeconds(1)),
        "--export-ttl must be a positive duration of at most PT168H (how long ended jobs are kept), not PT168H1S");
  }

  @Test
  void aSyncOfZeroSyncsAfterEveryPageAndTenSecondsIsTheLongest() {
    assertThat(ExportConfig.builder().sync(Duration.ZERO).build().sync()).isZero();
    assertThat(ExportConfig.builder().sync(Duration.ofSeconds(10)).build().sync()).isEqualTo(Duration.ofSeconds(10));
    assertRefused(b -> b.sync(Duration.ofSeconds(10).plusMillis(1)), "well within its job's lease");
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
    assertRefused(b -> b.blob(CONNECTION_STRING).container("Exports"),
        "--export-container must be a Blob container name (3-63 lower-case letters, digits and single hyphens),"
            + " not Exports");
    assertRefused(b -> b.blob(CONNECTION_STRING).container(null), "--export-container");
  }

  @Test
  void sasLinksNeedTheAccountKeyOfAConnectionString() {
    String accountUrl = "https://account.blob.core.windows.net/?sv=2022-11-02&sig=abc";

    assertRefused(b -> b.blob(accountUrl).links(ExportConfig.Links.SAS), "use --export-blob-links=server");
    assertRefused(b -> b.blob(accountUrl).links(null), "use --export-blob-links=server");
    ExportConfig serverLinks = ExportConfig.builder().blob(accountUrl).links(ExportConfig.Links.SERVER).build();
    assertThat(serverLinks.toBlob()).isTrue();
    assertThat(serverLinks.links()).isEqualTo(ExportConfig.Links.SERVER);
    assertThat(ExportConfig.builder().blob(CONNECTION_STRING).links(null).build().links()).as("the default")
        .isEqualTo(ExportConfig.Links.SAS);
  }

  @Test
  void aBlankBlobSettingMeansLocalFiles() {
    ExportConfig blank = ExportConfig.builder().blob("  ").build();

    assertThat(blank.blob()).isNull();
    assertThat(blank.toBlob()).isFalse();
  }

  @Test
  void theBuilderSetsEachSettingAndACopyKeepsThemAll() {
    ExportConfig all = ExportConfig.builder().dir(Path.of("/data/export")).fileMaxBytes(2048).maxRunning(5)
        .ttl(Duration.ofHours(2)).blob(CONNECTION_STRING).container("cohort").links(ExportConfig.Links.SERVER)
        .requiresAccessToken(true).page(7).sync(Duration.ofMillis(500)).build();

    assertThat(all.dir()).isEqualTo(Path.of("/data/export"));
    assertThat(all.fileMaxBytes()).isEqualTo(2048);
    assertThat(all.maxRunning()).isEqualTo(5);
    assertThat(all.ttl()).isEqualTo(Duration.ofHours(2));
    assertThat(all.blob()).isEqualTo(CONNECTION_STRING);
    assertThat(all.container()).isEqualTo("cohort");
    assertThat(all.links()).isEqualTo(ExportConfig.Links.SERVER);
    assertThat(all.requiresAccessToken()).isTrue();
    assertThat(all.page()).isEqualTo(7);
    assertThat(all.sync()).isEqualTo(Duration.ofMillis(500));
    assertThat(all.toBuilder().build()).as("a copy").isEqualTo(all);
    assertThat(all.toBuilder().page(8).build()).as("a copy with one change").usingRecursiveComparison()
        .ignoringFields("page").isEqualTo(all);
  }

  private void assertRefused(UnaryOperator<ExportConfig.Builder> change, String message) {
    assertThatThrownBy(() -> change.apply(ExportConfig.builder()).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
