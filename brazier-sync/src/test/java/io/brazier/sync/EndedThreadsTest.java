package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndedThreadsTest {

  /** A thread's stack overflowed for real: the part it ran is named, with the Error and the thread. */
  @Test
  void aPartWhoseThreadAnErrorEndedIsNamedWithTheErrorAndTheThread() throws Exception {
    EndedThreads threads = new EndedThreads();

    Thread overflowing = threads.start("workers", "sync-worker-7", () -> deeper(0));
    overflowing.join(30_000);

    assertThat(overflowing.isAlive()).isFalse();
    assertThat(threads.why()).containsOnlyKeys("workers");
    assertThat(threads.why().get("workers")).contains("java.lang.StackOverflowError", "sync-worker-7",
        "restart the agent");
  }

  /** A part that stopped as asked, its thread returning, is not named; nor is one that runs. */
  @Test
  void partsThatRunOrReturnedAreNotNamed() throws Exception {
    EndedThreads threads = new EndedThreads();
    Object release = new Object();

    Thread returned = threads.start("reader", "sync-feed", () -> { });
    Thread running = threads.start("backfill", "sync-backfill", () -> {
      synchronized (release) {
        try {
          release.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    returned.join(30_000);

    assertThat(threads.why()).isEmpty();
    running.interrupt();
    running.join(30_000);
    assertThat(threads.why()).isEmpty();
  }

  /** A recursion without end: the real way a thread's stack overflows. */
  private static int deeper(int depth) {
    return deeper(depth + 1) + 1;
  }
}
