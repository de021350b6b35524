package io.brazier.sync;

import java.time.Duration;

/** Waits for an assertion about what the agent does in the background: polled every 50 ms until a deadline. */
public final class Eventually {
  private Eventually() {}

  /** An assertion that may throw. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  public static void within(Duration deadline, Check check) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (Exception | AssertionError e) {
        if (System.nanoTime() > end) {
          throw e instanceof AssertionError assertion ? assertion : new AssertionError(e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
