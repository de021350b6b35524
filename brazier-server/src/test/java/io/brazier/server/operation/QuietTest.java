package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Quiet waits while the process uses its CPU: here a process whose CPU time the test says, as busy as one core, or
 * idle, so that the answer does not hang on how busy the machine running the test is.
 */
class QuietTest {

  @Test
  void aBusyProcessIsWaitedForUntilItIsIdle() throws Exception {
    AtomicBoolean busy = new AtomicBoolean(true);
    Quiet quiet = new Quiet(oneCoreWhile(busy));
    CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> await(quiet));

    Thread.sleep(1_500); // three windows of half a second, each of them busy

    assertThat(waited).as("waiting while the process is busy").isNotDone();
    busy.set(false);
    waited.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anIdleProcessIsQuietAfterOneWindow() throws Exception {
    Quiet quiet = new Quiet(oneCoreWhile(new AtomicBoolean(false)));

    CompletableFuture.runAsync(() -> await(quiet)).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aProcessWhoseCpuTimeCannotBeKnownIsTakenForQuiet() throws Exception {
    new Quiet(() -> -1).await();
  }

  /** CPU time that grows as fast as the clock while {@code busy}, as one core fully used, and stands still after. */
  private static LongSupplier oneCoreWhile(AtomicBoolean busy) {
    AtomicLong used = new AtomicLong();
    return () -> busy.get() ? used.updateAndGet(last -> System.nanoTime()) : used.get();
  }

  private static void await(Quiet quiet) {
    try {
      quiet.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
