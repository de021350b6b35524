package io.brazier.sync;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the agent runs.
 *
 * @param workers changes of one patient are applied in order by one worker; patients are spread over this many
 * @param maxAttempts failures of a change before it goes to the dead-letter table
 * @param log whether each change handled is written to the sync log table
 * @param logBodies whether the log keeps the resource read and the rows written (patient data: debugging only)
 * @param feedPageSize changes asked for per page of the feed
 * @param feedWait how long a read of the feed waits for a change when there is none (the long poll)
 * @param backfillPageSize resources per page, and per transaction, of a back-fill
 * @param mapsDir the maps' directory, watched for changes; null for the built-in maps
 * @param mapsInterval how often the maps' directory is read for changes
 * @param conflicts who wins a write-back conflict
 * @param fhirTarget the base URL of a FHIR server that the synced resources are put into as well (ids kept,
 *     deletions deleted); null for none
 * @param history whether the source is read through {@code _history?_since} (any FHIR server) rather than Brazier's
 *     change feed
 * @param unhealthyAfter how long the source's reads, or the reads of the workers' checkpoint, may fail without a break
 *     before {@code /healthz} says the agent is down ({@code --sync-unhealthy-after}); zero for at the first failed
 *     read
 */
public record SyncConfig(int workers, int maxAttempts, boolean log, boolean logBodies, int feedPageSize,
    Duration feedWait, int backfillPageSize, Path mapsDir, Duration mapsInterval, ConflictPolicy conflicts,
    URI fhirTarget, boolean history, Duration unhealthyAfter) {

  public SyncConfig {
    if (workers < 1 || workers > 64) {
      throw new IllegalArgumentException("--sync-workers must be between 1 and 64, not " + workers);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("--sync-max-attempts must be at least 1, not " + maxAttempts);
    }
    if (feedPageSize < 1 || feedPageSize > 1000) {
      throw new IllegalArgumentException("the feed's page size must be between 1 and 1000, not " + feedPageSize);
    }
    if (backfillPageSize < 1 || backfillPageSize > 1000) {
      throw new IllegalArgumentException("--sync-backfill-page must be between 1 and 1000, not " + backfillPageSize);
    }
    if (conflicts == null) {
      throw new IllegalArgumentException("--sync-conflicts must be fhir-wins, target-wins or newest-wins");
    }
    if (feedWait.isNegative() || feedWait.toSeconds() > 60) {
      throw new IllegalArgumentException("the feed's wait must be between 0 and 60 seconds, not " + feedWait);
    }
    if (unhealthyAfter == null || unhealthyAfter.isNegative()) {
      throw new IllegalArgumentException("--sync-unhealthy-after must be zero or more, not " + unhealthyAfter);
    }
  }

  public static SyncConfig defaults() {
    return new SyncConfig(4, 5, false, false, 500, Duration.ofSeconds(20), 500, null, Duration.ofMillis(500),
        ConflictPolicy.FHIR_WINS, null, false, Duration.ofSeconds(30));
  }

  public SyncConfig withMaps(Path dir) {
    return new SyncConfig(workers, maxAttempts, log, logBodies, feedPageSize, feedWait, backfillPageSize, dir,
        mapsInterval, conflicts, fhirTarget, history, unhealthyAfter);
  }

  public SyncConfig withConflicts(ConflictPolicy policy) {
    return new SyncConfig(workers, maxAttempts, log, logBodies, feedPageSize, feedWait, backfillPageSize, mapsDir,
        mapsInterval, policy, fhirTarget, history, unhealthyAfter);
  }

  /** These settings, putting the synced resources into the FHIR server at {@code url} as well. */
  public SyncConfig withFhirTarget(URI url) {
    return new SyncConfig(workers, maxAttempts, log, logBodies, feedPageSize, feedWait, backfillPageSize, mapsDir,
        mapsInterval, conflicts, url, history, unhealthyAfter);
  }

  /** These settings, reading the source through {@code _history} when {@code history}. */
  public SyncConfig withHistory(boolean history) {
    return new SyncConfig(workers, maxAttempts, log, logBodies, feedPageSize, feedWait, backfillPageSize, mapsDir,
        mapsInterval, conflicts, fhirTarget, history, unhealthyAfter);
  }

  /** These settings, {@code /healthz} saying the agent is down once the source failed for {@code grace}. */
  public SyncConfig withUnhealthyAfter(Duration grace) {
    return new SyncConfig(workers, maxAttempts, log, logBodies, feedPageSize, feedWait, backfillPageSize, mapsDir,
        mapsInterval, conflicts, fhirTarget, history, grace);
  }
}
