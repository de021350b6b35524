package io.brazier.loader;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with short intervals until a deadline, for what a background service does. */
final class Eventually {
  private Eventually() {}

  static void until(Duration deadline, String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Not within " + deadline + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
