package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Outcomes;
import io.brazier.server.FhirResponse;
import io.brazier.store.Job;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A bulk job over a selection, what {@code $bulk-update} and {@code $bulk-delete} share: it walks the resources of
 * each type that the job's criteria selected as of its kick-off's change sequence ({@link io.brazier.store.AsOfScan}:
 * a resource created since is not among them), a page at a time, and commits each page's writes in one transaction
 * with the job's cursor after the page: the type, the scan's position and the counts so far ({@link BulkCounts}). So
 * a job resumed after its node died, or cancelled, has done exactly the pages its cursor counts, and none twice; and
 * its answers (the result, a poll's progress, a cancelled job's) are those counts, in Microsoft's shape.
 */
final class BulkJob {
  /** What a page's write refused for a resource that changed (412) or went (404, 410) since the kick-off. */
  static final Set<Integer> CHANGED_SINCE = Set.of(404, 410, 412);

  private final Fhir fhir;
  private final String name;
  private final BulkCounts none;

  /**
   * Where the walk got to: the index of the type in the job's list, the scan's position in it (a
   * {@link ScanCursor#encode}, null at its start), the counts so far, and the resources ({@code Type/id}) that the
   * last page left to {@link Pages#finish} once it committed, so perhaps not yet.
   */
  record Cursor(int type, String after, List<String> pending, BulkCounts counts) {
    Cursor {
      // An older version's bulk update kept no pending, as its pages left nothing to finish.
      pending = pending == null ? List.of() : pending;
      if (counts == null) {
        throw new IllegalArgumentException("A cursor without counts");
      }
    }
  }

  /** What a kind of bulk job selects, and does with each page. */
  interface Pages {
    /**
     * The page of {@code type}'s selection after {@code after} (null: from the start).
     *
     * @throws IllegalArgumentException when the store no longer keeps the changes since the kick-off
     */
    ScanPage page(String type, ScanCursor after);

    /**
     * Does the page's work and commits it in one transaction with the heartbeat that {@code progress} makes of the
     * counts after it (counted on a {@link BulkCounts#copy} of {@code counts}), then {@link #finish}es what it left;
     * returns those counts, or empty, with nothing committed, when the job's runner no longer holds the job.
     */
    Optional<BulkCounts> commit(String type, List<ResourceVersion> page, BulkCounts counts, Progress progress);

    /** Finishes what a committed page left to do; again on a resume, so doing it twice does nothing more. */
    default void finish(List<String> pending) {
      // a page's commit is all its work
    }
  }

  /** Makes the heartbeat that records a page's counts, and what it leaves to {@link Pages#finish}, with its writes. */
  @FunctionalInterface
  interface Progress {
    JobHeartbeat after(BulkCounts counts, List<String> pending);
  }

  /**
   * @param name the job as a client reads it: "bulk update"
   * @param none the counts of a job that did nothing: those its kind answers
   */
  BulkJob(Fhir fhir, String name, BulkCounts none) {
    this.fhir = fhir;
    this.name = name;
    this.none = none;
  }

  /** Walks the selection of {@code types} from the run's cursor with {@code pages}; returns the counts as JSON. */
  byte[] run(Jobs.Run run, List<String> types, Pages pages) {
    Cursor cursor = run.cursor() == null ? new Cursor(0, null, List.of(), none)
        : read(run.cursor()).orElseThrow(this::olderVersion);
    pages.finish(cursor.pending());
    BulkCounts counts = cursor.counts();
    for (int i = cursor.type(); i < types.size() && !run.stopped(); i++) {
      String type = types.get(i);
      ScanCursor after = i == cursor.type() && cursor.after() != null ? ScanCursor.decode(cursor.after()) : null;
      do {
        ScanPage page = page(pages, type, after);
        after = page.next();
        int at = after == null ? i + 1 : i;
        String next = after == null ? null : after.encode();
        Optional<BulkCounts> committed = pages.commit(type, page.versions(), counts, (counted, pending) ->
            run.heartbeat(counted.total(), null, JobJson.write(new Cursor(at, next, pending, counted))));
        if (committed.isEmpty()) {
          run.lost();
          break;
        }
        counts = committed.get();
      } while (after != null && !run.stopped());
    }
    return fhir.encode(Format.JSON, counts.toParameters(List.of()), false);
  }

  /** A page of the selection; a job that outlived the changes the store keeps cannot tell what it selected. */
  private ScanPage page(Pages pages, String type, ScanCursor after) {
    try {
      return pages.page(type, after);
    } catch (IllegalArgumentException e) {
      throw new FhirException(500, IssueType.EXCEPTION, "The " + name + " could not read the data as of its start: "
          + e.getMessage() + " What it did before stays done; start it again.");
    }
  }

  /**
   * What a job fails with that an older version began and recorded in a shape this one cannot go on from: its
   * cursor (the type by name, other counts) or its request (no kick-off to select as of).
   */
  FhirException olderVersion() {
    return new FhirException(500, IssueType.EXCEPTION, "This " + name + " was started by an older version, whose"
        + " record of it this one cannot go on from. What it did stays done; start it again.");
  }

  /** The cursor, or empty when an older version wrote it in another shape. */
  private static Optional<Cursor> read(String cursor) {
    try {
      return Optional.of(JobJson.read(cursor, Cursor.class));
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
  }

  /** The counts a job's cursor recorded, none before its first page, or empty when an older version's cursor. */
  private Optional<BulkCounts> counts(Job job) {
    return job.cursor() == null ? Optional.of(none) : read(job.cursor()).map(Cursor::counts);
  }

  /** {@code running: 40 updated, 2 ignored, 1 failed}, for a poll of the queued or running job. */
  String progress(Job job) {
    Optional<BulkCounts> counts = job.cursor() == null ? Optional.empty() : counts(job);
    return counts.map(counted -> counted.progress(job.status().code())).orElseGet(() -> Jobs.progress(job));
  }

  /**
   * A failed job's answer, as Microsoft's: the failure's status, and the counts of what it did before it failed
   * with the failure's issues. A client that reads only the status learns that it failed; one that reads the body
   * also learns what stays done, which an OperationOutcome alone would not say.
   * The failure alone when an older version's cursor holds counts this one cannot read.
   */
  FhirResponse failed(Job job, FhirException failure) {
    BulkCounts counts = counts(job).orElseThrow(() -> failure);
    return FhirResponse.of(failure.status(), counts.toParameters(failure.outcome().getIssue()));
  }

  /** A cancelled job's answer, as Microsoft's: 200, the counts of what it did before, and {@code notes}. */
  FhirResponse cancelled(Job job, String... notes) {
    List<String> said = new ArrayList<>(Arrays.asList(notes));
    BulkCounts counts = counts(job).orElseGet(() -> {
      said.add("An older version began the " + name + " and counted what it did in a shape this one cannot read.");
      return none;
    });
    return FhirResponse.ok(counts.toParameters(said.stream()
        .map(note -> Outcomes.information(note).getIssueFirstRep()).toList()));
  }
}
