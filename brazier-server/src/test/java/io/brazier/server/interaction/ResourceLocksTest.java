package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.testkit.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Writers of one resource in this process take turns; holders of several keys never wait on each other in a circle. */
@Timeout(30) // a circle of holders would hang: fail it instead
class ResourceLocksTest {
  private static final int THREADS = 8;

  private final ResourceLocks locks = new ResourceLocks();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void writersOfOneResourceTakeTurns() throws Exception {
    Inside inside = new Inside();

    Parallel.Run<Object> writers = Parallel.run(THREADS, 1, (i, step) -> locks.holding("Patient", "1", inside::stay));

    assertThat(writers.mostAtOnce()).as("writers waited at once").isGreaterThan(1);
    assertThat(inside.most.get()).isEqualTo(1);
  }

  @Test
  void writersOfDifferentResourcesRunTogether() throws Exception {
    CyclicBarrier bothIn = new CyclicBarrier(2);
    AtomicInteger met = new AtomicInteger();

    // Each holds its lock until the other is inside its own: that can only end if they hold them at once.
    Parallel.run(2, 1, (i, step) -> locks.holding("Patient", i == 0 ? "a" : "b", () -> {
      await(bothIn);
      return met.incrementAndGet();
    }));

    assertThat(met.get()).isEqualTo(2);
  }

  @Test
  void aHolderOfSeveralKeysMayTakeOneAgainAndHoldersInAnyOrderAllFinish() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      keys.add("Patient?identifier=urn:mrn|" + i);
    }
    AtomicInteger done = new AtomicInteger();

    Parallel.Run<Object> holders = Parallel.run(THREADS, 20, (i, round) -> {
      List<String> mine = new ArrayList<>(keys);
      Collections.shuffle(mine);
      return locks.holdingAll(mine, () -> locks.holdingAll(List.of(mine.get(0)), done::incrementAndGet));
    });

    assertThat(holders.mostAtOnce()).as("holders overlapped").isGreaterThan(1);
    assertThat(done.get()).isEqualTo(THREADS * 20);
  }

  @Test
  void theLockIsLetGoWhenTheActionFails() throws Exception {
    try {
      locks.holding("Patient", "1", () -> {
        throw new IllegalStateException("failed");
      });
    } catch (IllegalStateException expected) {
      // the lock must be free again
    }

    assertThat(pool.submit(() -> locks.holding("Patient", "1", () -> "free")).get(10, TimeUnit.SECONDS))
        .isEqualTo("free");
  }

  /** How many threads were inside at once; each stays a moment, long enough for the others to come in. */
  private static final class Inside {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    Object stay() {
      most.accumulateAndGet(now.incrementAndGet(), Math::max);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      now.decrementAndGet();
      return null;
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the other writer never came in", e);
    }
  }
}
