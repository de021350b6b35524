package io.brazier.sync;

import java.util.List;

/**
 * What {@code GET /sync/status} answers.
 *
 * @param role {@code active} for the agent that syncs, {@code standby} for one waiting to take over
 * @param sources where each source's feed is read and applied, and how far behind
 * @param target the target database, and why it cannot be used now
 * @param perSecond changes and back-filled resources applied per second, over the last ten seconds
 * @param failures failed attempts, retried or dead-lettered
 * @param deadLetters changes in the dead-letter table
 * @param writeBackLeft the target's row changes not written back to FHIR and left for the operator in
 *     {@code sync_row_change} (refused by FHIR or by their map, or failed {@code --sync-max-attempts} times)
 */
public record SyncStatus(String role, List<Source> sources, Target target, long written, long skipped, double perSecond,
    long failures, String lastError, long deadLetters, long writeBackLeft, Maps maps, List<Backfill> backfills) {

  /**
   * A source of changes.
   *
   * @param position the feed's sequence read up to
   * @param applied the sequence up to which every change read is applied
   * @param caughtUp whether the target has all the source holds: the latest page read was not full (nothing more
   *     was waiting) and every change read is applied
   * @param lagChanges changes read and not yet applied
   * @param lagSeconds how long ago the oldest of them was committed
   * @param error why the source cannot be read now (the FHIR server or the queue unreachable); null while it can
   */
  public record Source(String name, long position, long applied, boolean caughtUp, int lagChanges,
      double lagSeconds, String error) {}

  /**
   * The target database: its schema, and why it cannot be used now (unreachable, or refusing the maps' tables: the
   * agent waits, trying again); null while it can.
   */
  public record Target(String schema, String error) {}

  /** The maps in force, and why the latest change of them was refused (null when it was not). */
  public record Maps(String origin, int loaded, List<String> types, String loadedAt, String error) {}

  /** A back-fill job. */
  public record Backfill(String id, String status, List<String> types, long done, long total, String error,
      String updated) {}
}
