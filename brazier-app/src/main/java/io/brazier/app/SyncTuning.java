package io.brazier.app;

import io.brazier.sync.ConflictPolicy;
import io.brazier.sync.SyncConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How the sync agent runs, the same in {@code brazier serve --sync} and {@code brazier sync}. */
final class SyncTuning {

  @Option(names = "--sync-workers", defaultValue = "4",
      description = "Workers applying changes: a patient's changes in order, patients in parallel; as"
          + " many write the target's changes back, a row's in order (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--sync-max-attempts", defaultValue = "5",
      description = "Failures of a change before it goes to the dead-letter table (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--sync-log", defaultValue = "false",
      description = "Write each change handled to the sync_log table (kept 7 days).")
  boolean log;

  @Option(names = "--sync-log-bodies", defaultValue = "false",
      description = "Keep the resource read and the rows written in sync_log: patient data, for debugging only.")
  boolean logBodies;

  @Option(names = "--sync-backfill-page", defaultValue = "500",
      description = "Resources per page, and per transaction, of a back-fill (default: ${DEFAULT-VALUE}).")
  int backfillPage;

  @Option(names = "--sync-conflicts", defaultValue = "fhir-wins", paramLabel = "POLICY",
      description = "Who wins when a row the target changed was changed in FHIR too since it was synced: fhir-wins,"
          + " target-wins or newest-wins (default: ${DEFAULT-VALUE}).")
  String conflicts;

  @Option(names = "--sync-fhir-target", paramLabel = "URL",
      description = "Also put every synced resource into this FHIR server (ids kept, deletions deleted), beside the"
          + " target database, which keeps the agent's bookkeeping. No token is sent: keep it on a trusted network.")
  URI fhirTarget;

  @Option(names = "--sync-host", defaultValue = "127.0.0.1",
      description = "Address of the agent's /sync/status, /sync/backfill and /sync/dead-letters; it has no"
          + " authentication, keep it on the loopback address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--sync-port", defaultValue = "8083",
      description = "Port of the agent's /sync/... endpoints, /healthz (503 while the target or the FHIR server is"
          + " down) and /metrics (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--sync-unhealthy-after", defaultValue = "PT30S", paramLabel = "DURATION",
      description = "/healthz answers 503 once the FHIR server (or the queue), or the workers' checkpoint in the"
          + " target, has failed every read for this long; PT0S for at the first failed read"
          + " (default: ${DEFAULT-VALUE}).")
  Duration unhealthyAfter;

  SyncConfig config(Path maps) {
    SyncConfig defaults = SyncConfig.defaults();
    return new SyncConfig(workers, maxAttempts, log || logBodies, logBodies, defaults.feedPageSize(),
        defaults.feedWait(), backfillPage, maps, defaults.mapsInterval(), ConflictPolicy.named(conflicts), fhirTarget, false,
        unhealthyAfter);
  }
}
