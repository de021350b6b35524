package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.testkit.Parallel;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestStore;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent commits grouped into shared transactions, each caller still getting its own outcome: on the store's
 * database, and on a transaction of the test's own that holds the lanes at a gate, so that batches queue up behind
 * them for real and the groups they form can be seen.
 */
class GroupCommitTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final PostgresStore store = TestStore.shared().store();
  private final Transaction transaction = new Transaction();
  private final GroupCommit commits = new GroupCommit(transaction);

  @AfterEach
  void close() {
    transaction.open();
    commits.close();
  }

  @Test
  void concurrentCommitsAllLandAndEachFailingOneFailsAlone() throws Exception {
    String prefix = "group-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    store.commit(List.of(write(prefix + "taken", 1)));
    int callers = 48;

    // Every eighth caller creates a resource that exists already: a conflict that is its own and no one else's.
    Parallel.Run<Throwable> run = Parallel.run(callers, 1, (caller, step) -> {
      try {
        store.commit(List.of(write(caller % 8 == 0 ? prefix + "taken" : prefix + caller, 1)));
        return null;
      } catch (RuntimeException e) {
        return e;
      }
    });

    assertThat(run.mostAtOnce()).as("commits at once").isGreaterThan(1);
    assertThat(run.results()).filteredOn(failure -> failure != null).hasSize(callers / 8)
        .allSatisfy(failure -> assertThat(failure).isInstanceOf(VersionConflictException.class));
    for (int i = 0; i < callers; i++) {
      if (i % 8 != 0) {
        assertThat(store.current("Patient", prefix + i)).map(ResourceVersion::version).contains(1);
      }
    }
  }

  @Test
  void aLargeBatchCommitsOnItsOwnAllOrNothing() {
    String prefix = "large-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    store.commit(List.of(write(prefix + "0", 1)));
    List<Write> batch = largeBatch(prefix);

    Throwable failure = catching(() -> store.commit(batch));

    assertThat(failure).isInstanceOf(VersionConflictException.class);
    assertThat(store.current("Patient", prefix + "1")).isEmpty();
  }

  @Test
  void batchesQueuedTogetherCommitAsOneGroupButNeverTwoOfTheSameResource() throws Exception {
    occupyEveryLane();
    List<Caller> callers = queue("same", "a", "same", "b", "same", "c");

    transaction.letOneThrough(); // one lane comes back and groups what has queued, the others are still held
    transaction.awaitEntered();
    transaction.open();

    for (Caller caller : callers) {
      assertThat(caller.outcome()).isNull();
    }
    assertThat(transaction.committedAfterPlugs()).containsExactlyInAnyOrder(
        List.of("Patient/same", "Patient/a", "Patient/b", "Patient/c"), List.of("Patient/same"),
        List.of("Patient/same"));
  }

  @Test
  void aGroupWithOneBadBatchCommitsTheOthersAndFailsOnlyTheBadOne() throws Exception {
    transaction.failWith(write -> write.id().equals("bad") ? new VersionConflictException("Patient", "bad") : null);
    occupyEveryLane();
    List<Caller> callers = queue("good-1", "bad", "good-2");

    transaction.letOneThrough();
    transaction.awaitEntered();
    transaction.open();

    assertThat(callers.get(0).outcome()).isNull();
    assertThat(callers.get(1).outcome()).isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("Patient/bad");
    assertThat(callers.get(2).outcome()).isNull();
    assertThat(transaction.attempted()).as("tried together first")
        .contains(List.of("Patient/good-1", "Patient/bad", "Patient/good-2"));
    assertThat(transaction.committedAfterPlugs()).containsExactlyInAnyOrder(
        List.of("Patient/good-1"), List.of("Patient/good-2"));
  }

  @Test
  void anErrorReachesItsCallerAsItWasAndTheLanesGoOnCommitting() {
    transaction.open();
    transaction.failWith(write -> write.id().startsWith("fatal") ? new Fatal() : null);
    List<Throwable> failures = new ArrayList<>();

    for (int i = 0; i < 6; i++) { // twice as many as there are lanes
      failures.add(catching(() -> commits.commit(List.of(write("fatal-" + UUID.randomUUID(), 1)))));
    }
    commits.commit(List.of(write("after", 1)));

    assertThat(failures).hasSize(6).allSatisfy(failure -> assertThat(failure).isInstanceOf(Fatal.class));
    assertThat(transaction.committed()).containsExactly(List.of("Patient/after"));
  }

  @Test
  void aLargeBatchCommitsOnTheCallersThreadAndASmallerOneOnALane() {
    transaction.open();
    List<Write> large = largeBatch("large-");
    List<Write> small = large.subList(1, large.size());

    commits.commit(large);
    commits.commit(small);

    assertThat(transaction.threads()).hasSize(2);
    assertThat(transaction.threads().get(0)).isEqualTo(Thread.currentThread().getName());
    assertThat(transaction.threads().get(1)).startsWith("brazier-commit-");
  }

  @Test
  void aCallerInterruptedWhileWaitingStopsWaitingAndItsBatchStillCommits() throws Exception {
    occupyEveryLane();
    Caller caller = queue("interrupted").get(0);

    caller.thread.interrupt();
    Throwable outcome = caller.outcome();
    transaction.open();

    assertThat(outcome).isInstanceOf(IllegalStateException.class).hasMessage("Interrupted while waiting for a commit");
    assertThat(caller.interruptedAfterwards).as("the interrupt is kept").isTrue();
    long end = System.nanoTime() + PATIENCE.toNanos();
    while (!transaction.committedAfterPlugs().contains(List.of("Patient/interrupted"))) {
      assertThat(System.nanoTime()).as("committed in time").isLessThan(end);
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void closingLetsTheGroupsInFlightCommitFailsTheQueuedOnesAndRefusesNewOnes() throws Exception {
    List<Caller> plugs = occupyEveryLane();
    Caller queued = queue("queued").get(0);
    Thread closing = new Thread(commits::close);
    closing.start();
    awaitState(closing, Thread.State.TIMED_WAITING); // joining the lanes, which wait at the gate

    transaction.open();
    closing.join(PATIENCE.toMillis());

    assertThat(closing.isAlive()).isFalse();
    for (Caller plug : plugs) {
      assertThat(plug.outcome()).isNull();
    }
    assertThat(queued.outcome()).isInstanceOf(IllegalStateException.class)
        .hasMessage("The store closed before this commit");
    assertThat(catching(() -> commits.commit(List.of(write("late", 1))))).isInstanceOf(IllegalStateException.class)
        .hasMessage("The store is closed");
    assertThat(catching(() -> commits.commit(largeBatch("late-large-")))).as("a batch too large to group")
        .isInstanceOf(IllegalStateException.class).hasMessage("The store is closed");
    assertThat(transaction.attempted()).flatMap(keys -> keys).allMatch(key -> key.startsWith("Patient/plug-"));
  }

  /** One write more than a grouped batch may hold: ids {@code prefix0}, {@code prefix1}... */
  private static List<Write> largeBatch(String prefix) {
    List<Write> batch = new ArrayList<>();
    for (int i = 0; i <= GroupCommit.MAX_GROUPED_BATCH; i++) {
      batch.add(write(prefix + i, 1));
    }
    return batch;
  }

  /** Holds each of the three lanes at the gate, in a transaction of a batch of its own. */
  private List<Caller> occupyEveryLane() {
    List<Caller> plugs = new ArrayList<>();
    for (int lane = 0; lane < 3; lane++) {
      plugs.add(new Caller(commits, List.of(write("plug-" + lane, 1))));
      transaction.awaitEntered();
    }
    return plugs;
  }

  /** Commits a batch of one write per id, each on a thread of its own, queued in this order. */
  private List<Caller> queue(String... ids) {
    List<Caller> callers = new ArrayList<>();
    for (String id : ids) {
      Caller caller = new Caller(commits, List.of(write(id, 1)));
      awaitState(caller.thread, Thread.State.WAITING);
      callers.add(caller);
    }
    return callers;
  }

  private static void awaitState(Thread thread, Thread.State state) {
    long end = System.nanoTime() + PATIENCE.toNanos();
    while (thread.getState() != state) {
      assertThat(System.nanoTime()).as(thread.getName() + " " + state + " in time").isLessThan(end);
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** An Error, as a transaction may throw one (out of memory, a stack overflow). */
  private static final class Fatal extends Error {
    private static final long serialVersionUID = 1L;

    Fatal() {
      super("fatal", null, false, false);
    }
  }

  /**
   * The transaction the lanes run: each call waits at a gate until the test lets it through (interrupts do not), fails
   * as the test says, and records the keys of each call, whether it committed, and the thread it ran on.
   */
  private static final class Transaction implements Consumer<List<Write>> {
    private final Semaphore gate = new Semaphore(0);
    private final Semaphore entered = new Semaphore(0);
    private final List<List<String>> attempted = Collections.synchronizedList(new ArrayList<>());
    private final List<List<String>> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<Write, Throwable> failure = write -> null;

    @Override
    public void accept(List<Write> writes) {
      List<String> keys = writes.stream().map(write -> write.type() + "/" + write.id()).toList();
      threads.add(Thread.currentThread().getName());
      entered.release();
      gate.acquireUninterruptibly();
      attempted.add(keys);
      for (Write write : writes) {
        Throwable thrown = failure.apply(write);
        if (thrown instanceof Error error) {
          throw error;
        } else if (thrown != null) {
          throw (RuntimeException) thrown;
        }
      }
      committed.add(keys);
    }

    /** Lets one call through the gate: one of those waiting at it, or else the next to come. */
    void letOneThrough() {
      gate.release();
    }

    /** Lets every call through, from now on. */
    void open() {
      gate.release(1_000_000);
    }

    void awaitEntered() {
      try {
        assertThat(entered.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("a call at the gate").isTrue();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    void failWith(Function<Write, Throwable> failures) {
      failure = failures;
    }

    List<List<String>> attempted() {
      return snapshot(attempted);
    }

    List<List<String>> committed() {
      return snapshot(committed);
    }

    /** The calls committed other than those of the batches that held the lanes. */
    List<List<String>> committedAfterPlugs() {
      return committed().stream().filter(keys -> keys.stream().noneMatch(key -> key.startsWith("Patient/plug-")))
          .toList();
    }

    List<String> threads() {
      return snapshot(threads);
    }

    private static <T> List<T> snapshot(List<T> list) {
      synchronized (list) {
        return List.copyOf(list);
      }
    }
  }

  /** A commit on a thread of its own. */
  private static final class Caller {
    final Thread thread;
    private final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    volatile boolean interruptedAfterwards;

    Caller(GroupCommit commits, List<Write> writes) {
      thread = new Thread(() -> {
        Throwable thrown = catching(() -> commits.commit(writes));
        interruptedAfterwards = Thread.currentThread().isInterrupted();
        outcome.complete(thrown);
      });
      thread.start();
    }

    /** What the commit threw; null when it committed. */
    Throwable outcome() throws Exception {
      return outcome.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static Throwable catching(Runnable action) {
    try {
      action.run();
      return null;
    } catch (RuntimeException | Error e) {
      return e;
    }
  }

  private static Write write(String id, int version) {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version + "\"}}";
    return new Write("Patient", id, version, Instant.now(), json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY);
  }
}
