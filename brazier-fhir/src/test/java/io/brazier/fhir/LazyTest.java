package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.testkit.Parallel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class LazyTest {

  /**
   * Threads released at once by a barrier all ask while the supplier is still at work (it waits until every other
   * thread is blocked on the value's lock): they overlap, and the supplier runs once, each thread getting its value.
   */
  @Test
  void threadsAskingAtOnceGetTheOneValueTheSupplierMadeOnce() throws Exception {
    int threads = 8;
    AtomicInteger calls = new AtomicInteger();
    List<Thread> askers = new CopyOnWriteArrayList<>();
    Lazy<Object> lazy = Lazy.of(() -> {
      calls.incrementAndGet();
      awaitBlocked(askers, threads);
      return new Object();
    });

    Parallel.Run<Object> run = Parallel.run(threads, 1, (thread, step) -> {
      askers.add(Thread.currentThread());
      return lazy.get();
    });

    assertThat(run.results()).hasSize(threads).containsOnly(run.results().get(0));
    assertThat(calls).hasValue(1);
  }

  @Test
  void aSupplierThatFailedIsAskedAgainOnTheNextCall() {
    AtomicInteger calls = new AtomicInteger();
    Lazy<String> lazy = Lazy.of(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("not yet");
      }
      return "made";
    });

    assertThatThrownBy(lazy::get).hasMessage("not yet");
    assertThat(lazy.get()).isEqualTo("made");
    assertThat(lazy.get()).isEqualTo("made");
    assertThat(calls).hasValue(2);
  }

  /** Waits until all {@code threads} askers but this one are blocked, waiting for the lock this one holds. */
  private static void awaitBlocked(List<Thread> askers, int threads) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (askers.size() < threads || !askers.stream().filter(thread -> thread != Thread.currentThread())
        .allMatch(thread -> thread.getState() == Thread.State.BLOCKED)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the other threads never asked");
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
