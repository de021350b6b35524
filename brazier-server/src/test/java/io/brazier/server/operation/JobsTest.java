package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.LogLines;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import io.brazier.store.Job;
import io.brazier.store.Job.Status;
import io.brazier.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

/**
 * The runner of background jobs, over the shared test database. Each test runs a kind of job of its own, so the
 * test server's runner (which knows only $reindex) never takes them.
 */
class JobsTest {
  private static final Duration SHORT_LEASE = Duration.ofMillis(500);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final TestServer server = TestServer.shared();
  private final JobStore store = server.store().jobs();
  private final String kind = "test-" + UUID.randomUUID();

  @Test
  void aJobWhoseRunnerStoppedHeartbeatingIsResumedByAnotherRunnerFromItsCursor() throws Exception {
    CountDownLatch hung = new CountDownLatch(1);
    CountDownLatch revive = new CountDownLatch(1);
    List<Integer> countedByB = new CopyOnWriteArrayList<>();
    try (Jobs a = runner(counting(new CopyOnWriteArrayList<>(), 3, hung, revive));
        Jobs b = runner(counting(countedByB, Integer.MAX_VALUE, hung, revive))) {
      a.start();
      String id = a.submit(kind, "{\"to\": 10}", Caller.ANONYMOUS);
      assertThat(hung.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

      b.start();
      Job done = until(id, Job::finished);
      revive.countDown();

      assertThat(done.status()).isEqualTo(Status.DONE);
      assertThat(countedByB).containsExactly(4, 5, 6, 7, 8, 9, 10);
      assertThat(new String(done.result(), StandardCharsets.UTF_8)).contains("Counted to 10");
      assertThat(done.done()).isEqualTo(10);
    }
  }

  @Test
  void aCancelledJobStopsItsWorkAndIsNotFound() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    try (Jobs jobs = runner(run -> {
      for (long i = 1; !run.stopped(); i++) {
        run.progress(i, null, "{}");
        LockSupport.parkNanos(10_000_000);
      }
      stopped.countDown();
      return "stopped".getBytes(StandardCharsets.UTF_8);
    }).start()) {
      String id = jobs.submit(kind, "{}", Caller.ANONYMOUS);
      until(id, job -> job.status() == Status.RUNNING);

      jobs.cancel(id);

      assertThat(stopped.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(jobs.get(id).status()).isEqualTo(Status.CANCELLED);
      assertThat(jobs.get(id).result()).isNull();
    }
  }

  @Test
  void aFailingJobKeepsItsOperationOutcomeAndStatus() {
    try (Jobs jobs = runner(run -> {
      throw new FhirException(422, IssueType.BUSINESSRULE, "The request cannot be done.");
    }).start()) {
      String id = jobs.submit(kind, "{}", Caller.ANONYMOUS);

      Job failed = until(id, Job::finished);

      assertThat(failed.status()).isEqualTo(Status.FAILED);
      assertThat(failed.errorStatus()).isEqualTo(422);
      assertThat(new String(failed.error(), StandardCharsets.UTF_8)).contains("The request cannot be done.");
    }
  }

  @Test
  void aJobThatBreaksFailsWithAnIncidentAndNoStackTrace() {
    try (Jobs jobs = runner(run -> {
      throw new IllegalStateException("secret detail");
    }).start()) {
      String id = jobs.submit(kind, "{}", Caller.ANONYMOUS);

      Job failed = until(id, Job::finished);

      assertThat(failed.errorStatus()).isEqualTo(500);
      assertThat(new String(failed.error(), StandardCharsets.UTF_8)).contains("incident").doesNotContain("secret");
    }
  }

  @Test
  void theLogSaysHowEachJobEndedAndWhyAnExpectedFailureFailedWithoutAStackTrace() {
    try (LogLines log = LogLines.from(Jobs.class);
        Jobs jobs = runner(run -> {
          if (run.request().contains("fail")) {
            throw new FhirException(409, IssueType.CONFLICT, "Patient holds some.");
          }
          for (long i = 1; !run.stopped(); i++) {
            run.progress(i, null, "{}");
            LockSupport.parkNanos(10_000_000);
          }
          return "stopped".getBytes(StandardCharsets.UTF_8);
        }).start()) {
      String failed = jobs.submit(kind, "{\"fail\": true}", Caller.ANONYMOUS);
      until(failed, Job::finished);
      String cancelled = jobs.submit(kind, "{}", Caller.ANONYMOUS);
      until(cancelled, job -> job.status() == Status.RUNNING);

      jobs.cancel(cancelled);
      long end = System.nanoTime() + DEADLINE.toNanos();
      while (log.containing("Job cancelled id=" + cancelled).isEmpty() && System.nanoTime() < end) {
        LockSupport.parkNanos(10_000_000);
      }

      assertThat(log.containing("Job failed id=" + failed)).singleElement().satisfies(event -> {
        assertThat(event.getFormattedMessage()).contains("status=409", "Patient holds some.");
        assertThat(event.getThrowableProxy()).isNull();
      });
      assertThat(log.containing("Job cancelled id=" + cancelled)).hasSize(1);
    }
  }

  @Test
  void aRunnerThatClosesQueuesItsJobAgainWithItsCursor() {
    String id;
    try (Jobs jobs = runner(run -> {
      for (long i = 1; !run.stopped(); i++) {
        run.progress(i, null, "{\"at\": " + i + "}");
        LockSupport.parkNanos(10_000_000);
      }
      return "stopped".getBytes(StandardCharsets.UTF_8);
    }).start()) {
      id = jobs.submit(kind, "{}", Caller.ANONYMOUS);
      until(id, job -> job.done() > 0);
    }

    Job released = store.read(id).orElseThrow();

    assertThat(released.status()).isEqualTo(Status.QUEUED);
    assertThat(released.owner()).isNull();
    assertThat(released.cursor()).startsWith("{\"at\": ");
  }

  @Test
  void aJobIsFollowedOnlyByItsSubmitterAndARestrictedCallerFollowsOnlyItsOwn() {
    Caller alice = caller("alice");
    Caller bob = caller("bob");
    Restriction restriction = Restriction.within("Patient", List.of("Patient/1"));
    try (Jobs jobs = runner(run -> new byte[0])) { // not started: the jobs stay queued
      String byAlice = jobs.submit(kind, "{\"of\": \"alice\"}", alice);
      String byNobody = jobs.submit(kind, "{}", Caller.ANONYMOUS);

      Job followed = jobs.get(byAlice, poll(byAlice, alice).withRestriction(restriction));
      Job anonymous = jobs.get(byNobody, poll(byNobody, bob));

      assertThat(followed.id()).isEqualTo(byAlice);
      assertThat(followed.request()).isEqualTo("{\"of\": \"alice\"}");
      assertThat(anonymous.id()).as("a job of a server without authentication").isEqualTo(byNobody);
      assertThatThrownBy(() -> jobs.get(byAlice, poll(byAlice, bob)))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(404));
      assertThatThrownBy(() -> jobs.get(byAlice, poll(byAlice, bob).withRestriction(restriction)))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(404));
      assertThatThrownBy(() -> jobs.get(byNobody, poll(byNobody, Caller.ANONYMOUS).withRestriction(restriction)))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
  }

  private static Caller caller(String subject) {
    return new Caller("https://issuer", subject, "app", Set.of("Reader"), Set.of(), null, null, null);
  }

  private static FhirRequest poll(String id, Caller caller) {
    return FhirRequest.builder("GET", "_async/" + id).caller(caller).build();
  }

  /**
   * Counts to the request's {@code to}, from the cursor on, recording each number; after {@code hangAt} it hangs,
   * as a node that died would, until revived.
   */
  private static Jobs.Work counting(List<Integer> counted, int hangAt, CountDownLatch hung, CountDownLatch revive) {
    return run -> {
      int from = run.cursor() == null ? 1 : Integer.parseInt(run.cursor()) + 1;
      for (int i = from; i <= 10 && !run.stopped(); i++) {
        counted.add(i);
        run.progress(i, 10L, Integer.toString(i));
        if (i == hangAt) {
          hung.countDown();
          await(revive);
        }
      }
      return "Counted to 10".getBytes(StandardCharsets.UTF_8);
    };
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Jobs runner(Jobs.Work work) {
    return new Jobs(store, server.fhir(), SHORT_LEASE).register(kind, work);
  }

  private Job until(String id, Predicate<Job> condition) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      Job job = store.read(id).orElseThrow();
      if (condition.test(job)) {
        return job;
      }
      LockSupport.parkNanos(20_000_000);
    }
    throw new AssertionError("Job " + id + " did not get there within " + DEADLINE);
  }
}
