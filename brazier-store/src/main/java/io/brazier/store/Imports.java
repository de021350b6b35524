package io.brazier.store;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Bulk import, for a job of the job table: lines are staged (unlogged tables of the job's own, written without WAL),
 * checked as a whole (duplicates, references), then merged into the live tables batch by batch. Every write commits
 * together with the job's progress, and only while the runner still holds the job, so that a runner that dies or
 * loses its job leaves each batch wholly staged or merged, or not at all. The failures and what each merged batch
 * imported are kept (logged) with the job.
 */
public interface Imports {

  /** What {@link #open} found of a job's staging. */
  enum Staging {
    /** Nothing: made now, empty. */
    NEW,
    /** What the job's runners staged so far. */
    KEPT,
    /** Emptied by a crash of the database (unlogged tables are): made again, empty; stage from the start. */
    LOST
  }

  /** Makes the job's staging, unless it is there, and drops the staging of jobs that ended. */
  Staging open(String job);

  /**
   * On an empty store (no resource at all), drops the search indexes that an import builds faster in bulk than
   * row by row (value and full-text indexes; a table's index by rid stays, as writes replace rows by rid), keeping
   * their definitions until {@link #restoreIndexes} builds them again; returns whether it did. Searches stay right
   * meanwhile, only slower.
   */
  boolean dropIndexes(String job);

  /** Builds the indexes the job dropped, {@code parallel} at a time; each is kept as built, should this stop. */
  void restoreIndexes(String job, int parallel);

  /**
   * Cleans up after imports that no longer run but could not clean up themselves (one cancelled while its node was
   * down): drops their staging once they have not changed for {@code settled} (a runner finishing a job just
   * cancelled stops within its lease), and builds the indexes they dropped, {@code parallel} at a time.
   */
  void repair(int parallel, Duration settled);

  /** A batch encoded for staging by {@link #encode}. */
  interface Encoded {}

  /**
   * Encodes a batch for staging: most of what staging costs the caller, done on the caller's thread, so that many
   * threads can encode batches while one stages them in order. Takes the rids of its lines when the job writes
   * their index rows straight into the live tables.
   */
  Encoded encode(String job, ImportBatch batch);

  /**
   * Stages encoded batches in one transaction with the heartbeat; false (and nothing written) when the heartbeat's
   * owner no longer holds the job.
   */
  boolean stage(List<Encoded> batches, JobHeartbeat heartbeat);

  /** Encodes and stages one batch: {@link #encode}, then {@link #stage(List, JobHeartbeat)}. */
  default boolean stage(ImportBatch batch, JobHeartbeat heartbeat) {
    return stage(List.of(encode(heartbeat.job(), batch)), heartbeat);
  }

  /** The ids of the staged resources of {@code type} with this identifier ({@code value} or {@code system|value}). */
  List<String> identified(String job, String type, String identifier);

  /** Deferred lines still to handle, in line order, at most {@code limit}. */
  List<ImportBatch.Deferred> deferred(String job, int limit);

  /**
   * Prepares the checks once every line is staged: of several lines without a version for one resource only the
   * last is merged (the import brings the resource to its last line); the others are superseded.
   */
  void settle(String job);

  /**
   * Local references of staged lines that name neither a resource staged by the import nor one stored (and not
   * deleted): all of them, or only those to {@code targets} ({@code Type/id}) when given.
   */
  List<ImportBatch.Dangling> dangling(String job, Collection<String> targets);

  /** Fails staged lines after all (a reference that names nothing): they are not merged. */
  void reject(String job, List<ImportBatch.Failure> failures);

  /** The staged batches not merged yet, in order. */
  List<Integer> unmerged(String job);

  /** How many batches of the job are merged: a run that resumes the merge counts on from them. */
  long merged(String job);

  /** What merging one batch did: versions written, and lines skipped (the store held them already). */
  record Merged(int written, int skipped) {}

  /**
   * A line that a merge refuses, though it passed the checks of a line: the version it names contradicts a version
   * of the store or of the import: a {@code conflict} when the store holds that version with other content, dated
   * out of order otherwise. {@code reason} says how, for the line's OperationOutcome.
   */
  record Refused(long seq, boolean conflict, String reason) {}

  /**
   * Merges a staged batch into the live tables (resources, history, search indexes, change feed), in one
   * transaction with the heartbeat; empty (and nothing written) when its owner no longer holds the job.
   * {@code now} is the lastUpdated of versions the lines did not date. The lines it refuses fail, with the outcome
   * that {@code failure} makes of them, in the same transaction.
   */
  Optional<Merged> merge(String job, int batch, Instant now, JobHeartbeat heartbeat,
      Function<Refused, ImportBatch.Failure> failure);

  /** Per input (by index), how many of its lines merged batches imported. */
  Map<Integer, Long> imported(String job);

  /**
   * Per input (by index), how many of the lines that merged batches imported became a version; the others were held
   * already (by the store, or an earlier line of the import) or superseded by a later line of their resource. An
   * input with a batch merged before the store counted this (an upgrade during the import) is left out.
   */
  Map<Integer, Long> written(String job);

  /** Per input (by index), how many of its lines failed. */
  Map<Integer, Long> failed(String job);

  /** Writes the OperationOutcomes of an input's failed lines, in line order, as NDJSON. */
  void writeFailures(String job, int input, OutputStream out) throws IOException;

  /** Drops the job's staging. */
  void close(String job);

  /** Which of these resource types hold resources (deleted ones included). */
  Set<String> holding(Collection<String> types);
}
