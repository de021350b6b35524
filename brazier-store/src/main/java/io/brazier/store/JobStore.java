package io.brazier.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Background jobs shared by every node through the database. A runner claims a job for a lease, renews the lease
 * with each {@link #heartbeat} (which also records progress and the cursor), and ends it; a job whose lease ran out
 * is claimed again, by any node, with its cursor. Every change by a runner names the owner that claimed the job, so a
 * runner that lost its job (cancelled, or taken over after its lease ran out) learns it and changes nothing.
 */
public interface JobStore {

  /**
   * Queues a job; returns its id. {@code request} is JSON, enough to start (and restart) the work; {@code submitter}
   * names who asked for it, or is null.
   */
  String submit(String kind, String request, String submitter);

  /**
   * Queues a job unless {@code mostActive} jobs of its kind are queued or running already, counted across every
   * node (submitters of one kind take turns, so two nodes never both take the last place); empty when they are.
   */
  default Optional<String> submit(String kind, String request, String submitter, int mostActive) {
    return submit(kind, request, submitter, mostActive, null);
  }

  /**
   * Queues a job as {@link #submit(String, String, String, int)}, unless a job of its kind that the same submitter
   * submitted, whose request contains {@code twin} (a JSON object), is queued or running: then returns that job's id,
   * however many are active. Checked in the kind's turn, so that two nodes never both queue the same job.
   */
  Optional<String> submit(String kind, String request, String submitter, int mostActive, String twin);

  /**
   * The job of {@code kind} that {@code submitter} submitted whose request contains {@code twin} (a JSON object),
   * while it is queued or running; empty when there is none.
   */
  Optional<String> twin(String kind, String submitter, String twin);

  /**
   * Claims for {@code owner} the oldest job of one of these kinds that is queued or whose lease ran out, for
   * {@code lease}; empty when there is none. Concurrent claimers never get the same job.
   */
  Optional<Job> claim(String owner, Collection<String> kinds, Duration lease);

  /** Records progress and the cursor, and renews the lease; false when the owner no longer holds the job. */
  boolean heartbeat(String id, String owner, long done, Long total, String cursor, Duration lease);

  /** Ends a job with its result (resource JSON); false when the owner no longer holds the job. */
  boolean finish(String id, String owner, byte[] result);

  /** Ends a job with an OperationOutcome (JSON) and the HTTP status a poll answers; false as for finish. */
  boolean fail(String id, String owner, int status, byte[] outcome);

  /** Queues a job again, cursor kept, for another runner to resume at once (its owner shuts down). */
  boolean release(String id, String owner);

  /** Cancels a job and drops its result; false when there is no such job or it was already cancelled. */
  boolean cancel(String id);

  /** Deletes the jobs that ended (done, failed or cancelled) longer than {@code age} ago; returns how many. */
  int purge(Duration age);

  /** The ids of the jobs of {@code kind} that ended (done, failed or cancelled) longer than {@code age} ago. */
  List<String> ended(String kind, Duration age);

  /** Deletes a job, whatever its state; false when there is no such job. */
  boolean delete(String id);

  /** A job by id; empty for an unknown one (and for an id that is not a job id at all). */
  Optional<Job> read(String id);
}
