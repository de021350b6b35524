package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.Job;
import io.brazier.store.Job.Status;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.JobStore;
import io.brazier.testkit.Parallel;
import io.brazier.store.TestStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Jobs in the database: claimed by one runner at a time, held by a lease, taken over when the lease runs out. */
class PostgresJobStoreTest {
  private static final Duration LONG = Duration.ofMinutes(5);

  private final JobStore jobs = TestStore.shared().store().jobs();
  private final DataSource dataSource = TestStore.shared().database().dataSource();
  // Each test claims only its own kind, so that tests sharing the database never take each other's jobs.
  private final Set<String> kind = Set.of("test-" + UUID.randomUUID());

  @Test
  void aSubmittedJobIsQueuedAndClaimedWithItsRequest() {
    String id = jobs.submit(kind(), "{\"types\": [\"Patient\"]}", null);
    Job queued = jobs.read(id).orElseThrow();

    Job claimed = jobs.claim("node-a", kind, LONG).orElseThrow();

    assertThat(queued.status()).isEqualTo(Status.QUEUED);
    assertThat(claimed.id()).isEqualTo(id);
    assertThat(claimed.status()).isEqualTo(Status.RUNNING);
    assertThat(claimed.owner()).isEqualTo("node-a");
    assertThat(claimed.request()).isEqualTo("{\"types\": [\"Patient\"]}");
    assertThat(claimed.leaseUntil()).isAfter(Instant.now());
    assertThat(jobs.claim("node-b", kind, LONG)).isEmpty();
  }

  @Test
  void aJobKeepsWhoSubmittedItBesideItsRequest() {
    String byAlice = jobs.submit(kind(), "{}", "https://issuer alice app");
    String limited = jobs.submit(kind(), "{}", "https://issuer bob app", 10).orElseThrow();
    String byNobody = jobs.submit(kind(), "{}", null);

    assertThat(jobs.read(byAlice).orElseThrow().submitter()).isEqualTo("https://issuer alice app");
    assertThat(jobs.read(limited).orElseThrow().submitter()).isEqualTo("https://issuer bob app");
    assertThat(jobs.read(byNobody).orElseThrow().submitter()).isNull();
    assertThat(jobs.claim("node-a", kind, LONG).orElseThrow().request()).isEqualTo("{}");
  }

  @Test
  void aJobWhoseLeaseRanOutIsClaimedAgainWithItsProgressAndCursor() {
    String id = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG).orElseThrow();
    jobs.heartbeat(id, "node-a", 500, 2000L, "{\"after\": \"p500\"}", Duration.ofMillis(1));

    Job taken = claimWithin(Duration.ofSeconds(30), "node-b");
    boolean formerOwnerHeartbeat = jobs.heartbeat(id, "node-a", 1000, 2000L, "{\"after\": \"p1000\"}", LONG);
    boolean formerOwnerFinish = jobs.finish(id, "node-a", bytes("{}"));

    assertThat(taken.id()).isEqualTo(id);
    assertThat(taken.owner()).isEqualTo("node-b");
    assertThat(taken.done()).isEqualTo(500);
    assertThat(taken.total()).isEqualTo(2000L);
    assertThat(taken.cursor()).isEqualTo("{\"after\": \"p500\"}");
    assertThat(formerOwnerHeartbeat).isFalse();
    assertThat(formerOwnerFinish).isFalse();
    assertThat(jobs.read(id).orElseThrow().cursor()).isEqualTo("{\"after\": \"p500\"}");
  }

  @Test
  void concurrentClaimersNeverGetTheSameJob() throws Exception {
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      submitted.add(jobs.submit(kind(), "{}", null));
    }
    ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();

    // Each claimer tries as many claims as there are jobs: together they take every one, some finding none left.
    Parallel.Run<Boolean> run = Parallel.run(4, submitted.size(), (claimer, step) -> {
      Optional<Job> job = jobs.claim("node-" + claimer, kind, LONG);
      job.ifPresent(taken -> claimed.add(taken.id()));
      return job.isPresent();
    });

    assertThat(run.mostAtOnce()).as("claims at once").isGreaterThan(1);
    assertThat(claimed).containsExactlyInAnyOrderElementsOf(submitted);
  }

  @Test
  void aFinishedJobKeepsItsResultAndAFailedOneItsOutcomeAndStatus() {
    String finished = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG);
    String failed = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG);

    jobs.finish(finished, "node-a", bytes("{\"resourceType\":\"OperationOutcome\"}"));
    jobs.fail(failed, "node-a", 404, bytes("{\"resourceType\":\"OperationOutcome\",\"id\":\"x\"}"));

    Job done = jobs.read(finished).orElseThrow();
    Job error = jobs.read(failed).orElseThrow();
    assertThat(done.status()).isEqualTo(Status.DONE);
    assertThat(done.finished()).isTrue();
    assertThat(done.result()).asString(StandardCharsets.UTF_8).isEqualTo("{\"resourceType\":\"OperationOutcome\"}");
    assertThat(error.status()).isEqualTo(Status.FAILED);
    assertThat(error.errorStatus()).isEqualTo(404);
    assertThat(error.error()).asString(StandardCharsets.UTF_8).contains("\"id\":\"x\"");
    assertThat(jobs.claim("node-b", kind, Duration.ofMillis(1))).isEmpty();
  }

  @Test
  void aCancelledJobIsNeverClaimedAndItsRunnerLosesIt() {
    String queued = jobs.submit(kind(), "{}", null);
    jobs.cancel(queued);
    String running = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG).orElseThrow();

    boolean cancelled = jobs.cancel(running);
    boolean heartbeat = jobs.heartbeat(running, "node-a", 1, null, "{}", LONG);

    assertThat(cancelled).isTrue();
    assertThat(heartbeat).isFalse();
    assertThat(jobs.read(running).orElseThrow().status()).isEqualTo(Status.CANCELLED);
    assertThat(jobs.claim("node-b", kind, LONG)).isEmpty();
    assertThat(jobs.cancel(running)).isFalse();
  }

  @Test
  void aReleasedJobIsQueuedAgainWithItsCursor() {
    String id = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG);
    jobs.heartbeat(id, "node-a", 7, null, "{\"after\": 7}", LONG);

    jobs.release(id, "node-a");

    Job again = jobs.claim("node-b", kind, LONG).orElseThrow();
    assertThat(again.cursor()).isEqualTo("{\"after\": 7}");
    assertThat(again.owner()).isEqualTo("node-b");
  }

  @Test
  void purgeDeletesEndedJobsOlderThanTheAgeAndKeepsTheRest() {
    String done = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG);
    jobs.finish(done, "node-a", "{}".getBytes(StandardCharsets.UTF_8));
    String cancelled = jobs.submit(kind(), "{}", null);
    jobs.cancel(cancelled);
    String queued = jobs.submit(kind(), "{}", null);

    int kept = jobs.purge(Duration.ofDays(1));
    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    int purged = jobs.purge(Duration.ofMillis(10));

    assertThat(kept).isZero();
    assertThat(purged).isGreaterThanOrEqualTo(2);
    assertThat(jobs.read(done)).isEmpty();
    assertThat(jobs.read(cancelled)).isEmpty();
    assertThat(jobs.read(queued)).isPresent();
  }

  @Test
  void aSubmissionBeyondTheMostActiveIsRefusedUntilOneEnds() {
    String first = jobs.submit(kind(), "{}", null, 2).orElseThrow();
    jobs.submit(kind(), "{}", null, 2).orElseThrow();

    Optional<String> third = jobs.submit(kind(), "{}", null, 2);
    jobs.claim("node-a", kind, LONG);
    jobs.finish(first, "node-a", bytes("{}"));
    Optional<String> afterOneEnded = jobs.submit(kind(), "{}", null, 2);

    assertThat(third).isEmpty();
    assertThat(afterOneEnded).isPresent();
  }

  @Test
  void concurrentSubmittersNeverTakeMoreThanTheMostActive() throws Exception {
    Parallel.Run<Optional<String>> run = Parallel.run(6, 1, (submitter, step) -> jobs.submit(kind(), "{}", null, 3));

    long accepted = run.results().stream().filter(Optional::isPresent).count();
    assertThat(accepted).isEqualTo(3);
  }

  @Test
  void aTwinQueuedOrRunningBySameSubmitterIsReturnedInsteadOfANewJob() {
    String twin = "{\"twin\": \"abc\"}";
    String first = jobs.submit(kind(), "{\"twin\": \"abc\", \"sequence\": 1}", "alice", 1, twin).orElseThrow();

    Optional<String> queued = jobs.submit(kind(), "{\"twin\": \"abc\", \"sequence\": 2}", "alice", 1, twin);
    jobs.claim("node-a", kind, LONG);
    Optional<String> running = jobs.submit(kind(), "{\"twin\": \"abc\", \"sequence\": 3}", "alice", 1, twin);
    Optional<String> byBob = jobs.submit(kind(), "{\"twin\": \"abc\"}", "bob", 2, twin);
    Optional<String> other = jobs.submit(kind(), "{\"twin\": \"def\"}", "alice", 2, "{\"twin\": \"def\"}");
    jobs.finish(first, "node-a", bytes("{}"));
    Optional<String> afterItEnded = jobs.submit(kind(), "{\"twin\": \"abc\"}", "alice", 3, twin);

    assertThat(queued).contains(first);
    assertThat(running).as("even with the most active reached").contains(first);
    assertThat(byBob).isPresent().isNotEqualTo(Optional.of(first));
    assertThat(other).as("the most active reached").isEmpty();
    assertThat(afterItEnded).isPresent().isNotEqualTo(Optional.of(first));
  }

  @Test
  void endedListsTheJobsOfAKindEndedLongerAgoAndDeleteRemovesOne() {
    String done = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG);
    jobs.finish(done, "node-a", bytes("{}"));
    String cancelled = jobs.submit(kind(), "{}", null);
    jobs.cancel(cancelled);
    String queued = jobs.submit(kind(), "{}", null);

    List<String> notYet = jobs.ended(kind(), Duration.ofDays(1));
    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    List<String> ended = jobs.ended(kind(), Duration.ofMillis(10));
    boolean deleted = jobs.delete(done);

    assertThat(notYet).isEmpty();
    assertThat(ended).containsExactlyInAnyOrder(done, cancelled);
    assertThat(deleted).isTrue();
    assertThat(jobs.read(done)).isEmpty();
    assertThat(jobs.read(queued)).isPresent();
    assertThat(jobs.delete(done)).isFalse();
    assertThat(jobs.delete("not-a-job")).isFalse();
  }

  @Test
  void unknownIdsAndIdsThatAreNotJobIdsAreNotFound() {
    assertThat(jobs.read(UUID.randomUUID().toString())).isEmpty();
    assertThat(jobs.read("not-a-job")).isEmpty();
    assertThat(jobs.cancel(UUID.randomUUID().toString())).isFalse();
    assertThat(jobs.cancel("'; DROP TABLE job; --")).isFalse();
  }

  @Test
  void runnersClaimOnlyKindsTheyKnow() {
    jobs.submit(kind(), "{}", null);

    assertThat(jobs.claim("node-a", Set.of("test-" + UUID.randomUUID()), LONG)).isEmpty();
    assertThat(jobs.claim("node-a", Set.of(), LONG)).isEmpty();
    assertThat(jobs.claim("node-a", kind, LONG)).isPresent();
  }

  @Test
  void theOldestQueuedJobIsClaimedFirst() {
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      submitted.add(jobs.submit(kind(), "{\"n\": " + i + "}", null));
    }

    List<String> claimed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      claimed.add(jobs.claim("node-a", kind, LONG).orElseThrow().id());
    }

    assertThat(claimed).containsExactlyElementsOf(submitted);
  }

  @Test
  void progressRecordedInTheRunnersTransactionCommitsAndRollsBackWithItsWork() throws Exception {
    String id = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG).orElseThrow();

    boolean rolledBack = inTransaction(false, new JobHeartbeat(id, "node-a", 10, 100L, "{\"after\": 10}", LONG));
    Job afterRollback = jobs.read(id).orElseThrow();
    boolean committed = inTransaction(true, new JobHeartbeat(id, "node-a", 20, 100L, "{\"after\": 20}", LONG));
    Job afterCommit = jobs.read(id).orElseThrow();

    assertThat(rolledBack).isTrue();
    assertThat(afterRollback.done()).isZero();
    assertThat(afterRollback.cursor()).isNull();
    assertThat(committed).isTrue();
    assertThat(afterCommit.done()).isEqualTo(20);
    assertThat(afterCommit.cursor()).isEqualTo("{\"after\": 20}");
  }

  @Test
  void progressOfARunnerThatDoesNotHoldTheJobIsRefusedInItsTransactionToo() throws Exception {
    String id = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG).orElseThrow();

    boolean recorded = inTransaction(true, new JobHeartbeat(id, "node-b", 10, null, "{}", LONG));

    assertThat(recorded).isFalse();
    assertThat(jobs.read(id).orElseThrow().owner()).isEqualTo("node-a");
  }

  @Test
  void aJobThatEndedCanNoLongerBeChangedByItsRunner() {
    String id = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG).orElseThrow();
    jobs.finish(id, "node-a", bytes("{\"first\": true}"));

    boolean finishedAgain = jobs.finish(id, "node-a", bytes("{\"second\": true}"));
    boolean failed = jobs.fail(id, "node-a", 500, bytes("{}"));
    boolean released = jobs.release(id, "node-a");
    boolean heartbeat = jobs.heartbeat(id, "node-a", 1, null, "{}", LONG);

    assertThat(List.of(finishedAgain, failed, released, heartbeat)).containsOnly(false);
    Job job = jobs.read(id).orElseThrow();
    assertThat(job.status()).isEqualTo(Status.DONE);
    assertThat(job.result()).asString(StandardCharsets.UTF_8).isEqualTo("{\"first\": true}");
    assertThat(jobs.claim("node-b", kind, LONG)).isEmpty();
  }

  @Test
  void onlyTheOwnerReleasesAJob() {
    String id = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG).orElseThrow();

    boolean byAnother = jobs.release(id, "node-b");

    assertThat(byAnother).isFalse();
    assertThat(jobs.read(id).orElseThrow().status()).isEqualTo(Status.RUNNING);
    assertThat(jobs.claim("node-b", kind, LONG)).isEmpty();
  }

  @Test
  void cancellingAFinishedJobDropsItsResult() {
    String id = jobs.submit(kind(), "{}", null);
    jobs.claim("node-a", kind, LONG).orElseThrow();
    jobs.finish(id, "node-a", bytes("{\"resourceType\":\"Parameters\"}"));

    boolean cancelled = jobs.cancel(id);

    assertThat(cancelled).isTrue();
    Job job = jobs.read(id).orElseThrow();
    assertThat(job.status()).isEqualTo(Status.CANCELLED);
    assertThat(job.result()).isNull();
    assertThat(job.finished()).isTrue();
  }

  @Test
  void theMostActiveCountsQueuedAndRunningJobsOfTheSameKindOnly() {
    String otherKind = "test-" + UUID.randomUUID();
    jobs.submit(otherKind, "{}", null);
    jobs.submit(otherKind, "{}", null);
    String running = jobs.submit(kind(), "{}", null, 2).orElseThrow();
    jobs.claim("node-a", kind, LONG).orElseThrow();
    jobs.submit(kind(), "{}", null, 2).orElseThrow();

    Optional<String> whileTwoAreActive = jobs.submit(kind(), "{}", null, 2);
    jobs.fail(running, "node-a", 500, bytes("{}"));
    Optional<String> afterOneFailed = jobs.submit(kind(), "{}", null, 2);

    assertThat(whileTwoAreActive).isEmpty();
    assertThat(afterOneFailed).isPresent();
    assertThat(jobs.submit(otherKind, "{}", null, 3)).as("two of the other kind are active").isPresent();
  }

  /** Records a heartbeat in a transaction of the caller's, which then commits or rolls back. */
  private boolean inTransaction(boolean commit, JobHeartbeat heartbeat) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      boolean recorded = PostgresJobStore.heartbeat(connection, heartbeat);
      if (commit) {
        connection.commit();
      } else {
        connection.rollback();
      }
      connection.setAutoCommit(true);
      return recorded;
    }
  }

  private String kind() {
    return kind.iterator().next();
  }

  /** Claims the test's job once its lease has run out, on the database's clock. */
  private Job claimWithin(Duration deadline, String owner) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      Optional<Job> job = jobs.claim(owner, kind, LONG);
      if (job.isPresent()) {
        return job.get();
      }
      LockSupport.parkNanos(10_000_000);
    }
    throw new AssertionError("The job was not claimable within " + deadline);
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
