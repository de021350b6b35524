package io.brazier.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for what a server, agent or job does in the background: a condition or an assertion polled every 50 ms until
 * it holds, or until a deadline, when the test fails saying what it waited for.
 */
public final class Eventually {
  private static final long POLL_MILLIS = 50;

  private Eventually() {}

  /** An assertion that may throw. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /** Returns once {@code condition} holds; fails, naming {@code what}, when it does not within {@code deadline}. */
  public static void until(Duration deadline, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Not within " + deadline + ": " + what);
      }
      pause();
    }
  }

  /** Returns once {@code check} passes; fails with its last failure when it does not within {@code deadline}. */
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
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting", e);
    }
  }
}
