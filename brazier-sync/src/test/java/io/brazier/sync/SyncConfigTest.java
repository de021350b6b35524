package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each setting out of range is refused with a message that names what to change. */
class SyncConfigTest {
  private static final SyncConfig DEFAULTS = SyncConfig.defaults();

  @Test
  void workersAttemptsAndConflictsOutOfRangeNameTheirFlags() {
    assertThatThrownBy(() -> with(0, 5, 500, 500, Duration.ofSeconds(20), ConflictPolicy.FHIR_WINS))
        .hasMessage("--sync-workers must be between 1 and 64, not 0");
    assertThatThrownBy(() -> with(65, 5, 500, 500, Duration.ofSeconds(20), ConflictPolicy.FHIR_WINS))
        .hasMessage("--sync-workers must be between 1 and 64, not 65");
    assertThatThrownBy(() -> with(4, 0, 500, 500, Duration.ofSeconds(20), ConflictPolicy.FHIR_WINS))
        .hasMessage("--sync-max-attempts must be at least 1, not 0");
    assertThatThrownBy(() -> with(4, 5, 500, 500, Duration.ofSeconds(20), null))
        .hasMessageStartingWith("--sync-conflicts must be fhir-wins, target-wins or newest-wins");
  }

  @Test
  void aBackfillPageOutOfRangeNamesItsFlagAndTheFeedsOwnSettingsSayWhichTheyAre() {
    assertThatThrownBy(() -> with(4, 5, 500, 0, Duration.ofSeconds(20), ConflictPolicy.FHIR_WINS))
        .hasMessage("--sync-backfill-page must be between 1 and 1000, not 0");
    assertThatThrownBy(() -> with(4, 5, 500, 1001, Duration.ofSeconds(20), ConflictPolicy.FHIR_WINS))
        .hasMessage("--sync-backfill-page must be between 1 and 1000, not 1001");
    assertThatThrownBy(() -> with(4, 5, 1001, 500, Duration.ofSeconds(20), ConflictPolicy.FHIR_WINS))
        .hasMessage("the feed's page size must be between 1 and 1000, not 1001");
    assertThatThrownBy(() -> with(4, 5, 500, 500, Duration.ofSeconds(61), ConflictPolicy.FHIR_WINS))
        .hasMessageStartingWith("the feed's wait must be between 0 and 60 seconds");
    assertThatThrownBy(() -> with(4, 5, 500, 500, Duration.ofSeconds(-1), ConflictPolicy.FHIR_WINS))
        .hasMessageStartingWith("the feed's wait must be between 0 and 60 seconds");
  }

  @Test
  void aNegativeUnhealthyAfterNamesItsFlagAndZeroIsAccepted() {
    assertThatThrownBy(() -> DEFAULTS.withUnhealthyAfter(Duration.ofSeconds(-1)))
        .hasMessage("--sync-unhealthy-after must be zero or more, not PT-1S");

    assertThat(DEFAULTS.withUnhealthyAfter(Duration.ZERO).unhealthyAfter()).isZero();
  }

  @Test
  void theBoundsThemselvesAreAccepted() {
    SyncConfig lowest = with(1, 1, 1, 1, Duration.ZERO, ConflictPolicy.TARGET_WINS);
    SyncConfig highest = with(64, 5, 1000, 1000, Duration.ofSeconds(60), ConflictPolicy.NEWEST_WINS);

    assertThat(lowest.workers()).isOne();
    assertThat(highest.backfillPageSize()).isEqualTo(1000);
  }

  @Test
  void eachWitherChangesItsSettingAndKeepsTheOthers() {
    Path maps = Path.of("maps");
    URI replica = URI.create("http://127.0.0.1:8080/fhir");

    SyncConfig changed = DEFAULTS.withMaps(maps).withConflicts(ConflictPolicy.NEWEST_WINS).withFhirTarget(replica)
        .withHistory(true).withUnhealthyAfter(Duration.ofMinutes(2));

    assertThat(changed).isEqualTo(new SyncConfig(DEFAULTS.workers(), DEFAULTS.maxAttempts(), DEFAULTS.log(),
        DEFAULTS.logBodies(), DEFAULTS.feedPageSize(), DEFAULTS.feedWait(), DEFAULTS.backfillPageSize(), maps,
        DEFAULTS.mapsInterval(), ConflictPolicy.NEWEST_WINS, replica, true, Duration.ofMinutes(2)));
  }

  private static SyncConfig with(int workers, int maxAttempts, int feedPage, int backfillPage, Duration feedWait,
      ConflictPolicy conflicts) {
    return new SyncConfig(workers, maxAttempts, false, false, feedPage, feedWait, backfillPage, null,
        Duration.ofMillis(500), conflicts, null, false, Duration.ofSeconds(30));
  }
}
