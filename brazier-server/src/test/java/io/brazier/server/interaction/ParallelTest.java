package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

  @Test
  void runsEveryStepOnce() {
    AtomicIntegerArray calls = new AtomicIntegerArray(1000);

    Parallel.forEach(1000, calls::incrementAndGet);

    for (int i = 0; i < calls.length(); i++) {
      assertThat(calls.get(i)).as("step %d", i).isEqualTo(1);
    }
  }

  @Test
  void runsStepsOnTwoThreadsAtOnce() {
    // Each step waits at the barrier for the other: they finish only if two threads ran them at the same time.
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    Set<String> threads = ConcurrentHashMap.newKeySet();

    Parallel.forEach(2, i -> {
      threads.add(Thread.currentThread().getName());
      try {
        bothRunning.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("The two steps did not overlap", e);
      }
    });

    assertThat(threads).hasSize(2).contains(Thread.currentThread().getName());
  }

  @Test
  void throwsWhatAStepThrewOnceAllHaveReturned() {
    AtomicIntegerArray calls = new AtomicIntegerArray(50);

    assertThatThrownBy(() -> Parallel.forEach(50, i -> {
      calls.incrementAndGet(i);
      if (i == 17) {
        throw new IllegalArgumentException("step 17 failed");
      }
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("step 17 failed");

    for (int i = 0; i < calls.length(); i++) {
      assertThat(calls.get(i)).as("step %d", i).isEqualTo(1);
    }
  }

  @Test
  void runsNothingForNoSteps() {
    Parallel.forEach(0, i -> {
      throw new AssertionError("no step to run");
    });
  }
}
