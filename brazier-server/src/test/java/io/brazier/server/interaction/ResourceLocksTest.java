package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.testkit.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
    CountDownLatch allCame = new CountDownLatch(THREADS);
    Inside inside = new Inside(allCame);

    // The first writer in stays until every writer has come: the others wait at the lock meanwhile.
    Parallel.Run<Object> writers = Parallel.run(THREADS, 1, (i, step) -> {
      allCame.countDown();
      return locks.holding("Patient", "1", inside::stay);
    });

    assertThat(writers.mostAtOnce()).as("writers waited at once").isEqualTo(THREADS);
    assertThat(inside.most.get()).isEqualTo(1);
  }

  @Test
  void writersOfDifferentResourcesRunTogether() throws Exception {
    CountDownLatch bothIn = new CountDownLatch(2);
    AtomicInteger met = new AtomicInteger();

    // Each holds its lock until the other is inside its own: that can only end if they hold them at once.
    Parallel.run(2, 1, (i, step) -> locks.holding("Patient", i == 0 ? "a" : "b", () -> {
      bothIn.countDown();
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
    CountDownLatch allCame = new CountDownLatch(THREADS);
    AtomicInteger done = new AtomicInteger();

    // In the first round, the first holder in keeps every key until all holders have come to take theirs.
    Parallel.Run<Object> holders = Parallel.run(THREADS, 20, (i, round) -> {
      List<String> mine = new ArrayList<>(keys);
      Collections.shuffle(mine);
      if (round == 0) {
        allCame.countDown();
      }
      return locks.holdingAll(mine, () -> {
        await(allCame);
        return locks.holdingAll(List.of(mine.get(0)), done::incrementAndGet);
      });
    });

    assertThat(holders.mostAtOnce()).as("holders overlapped").isEqualTo(THREADS);
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

  /** How many threads were inside at once; each stays until {@code allCame}, so that the others come meanwhile. */
  private static final class Inside {
    final CountDownLatch allCame;
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    Inside(CountDownLatch allCame) {
      this.allCame = allCame;
    }

    Object stay() {
      most.accumulateAndGet(now.incrementAndGet(), Math::max);
      await(allCame);
      now.decrementAndGet();
      return null;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the other threads never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
