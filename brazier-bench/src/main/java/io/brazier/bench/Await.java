package io.brazier.bench;

import java.time.Duration;

/** Waits, polling, until a condition holds: a benchmark's server reaching the state the next phase needs. */
final class Await {
  /** A condition read from a server or a database, which may fail. */
  interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  /** Polls every {@code every} until {@code condition} holds; fails after {@code limit}. */
  static void until(Condition condition, Duration limit, Duration every) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Not within " + limit.toMinutes() + " minutes");
      }
      Thread.sleep(every.toMillis());
    }
  }
}
