package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Quiet waits while the process uses its CPU or answers a request: here a process whose CPU time the test says, as
 * busy as one core, or idle, so that the answer does not hang on how busy the machine running the test is.
 */
class QuietTest {
  private final RequestsInFlight requests = new RequestsInFlight();

  @Test
  void aBusyProcessIsWaitedForUntilItIsIdle() throws Exception {
    AtomicBoolean busy = new AtomicBoolean(true);
    Quiet quiet = new Quiet(oneCoreWhile(busy), requests);
    CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> await(quiet));

    Thread.sleep(1_500); // three windows of half a second, each of them busy

    assertThat(waited).as("waiting while the process is busy").isNotDone();
    busy.set(false);
    waited.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anIdleProcessIsQuietAfterOneWindow() throws Exception {
    Quiet quiet = new Quiet(oneCoreWhile(new AtomicBoolean(false)), requests);

    CompletableFuture.runAsync(() -> await(quiet)).get(10, TimeUnit.SECONDS);
  }

  @Test
  void anOpenRequestIsWaitedForThoughTheProcessIsIdle() throws Exception {
    Quiet quiet = new Quiet(oneCoreWhile(new AtomicBoolean(false)), requests);
    requests.begin(); // a request waiting on the database: no CPU used
    CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> await(quiet));

    Thread.sleep(1_500);

    assertThat(waited).as("waiting while a request is open").isNotDone();
    requests.end();
    waited.get(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsThatComeOneAfterAnotherAreWaitedFor() throws Exception {
    Quiet quiet = new Quiet(oneCoreWhile(new AtomicBoolean(false)), requests);
    AtomicBoolean clientsSending = new AtomicBoolean(true);
    CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
      while (clientsSending.get()) { // short requests with a gap between them: rarely open as Quiet looks
        requests.begin();
        requests.end();
        sleep(20);
      }
    });
    CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> await(quiet));

    Thread.sleep(1_500);

    assertThat(waited).as("waiting while requests keep coming").isNotDone();
    clientsSending.set(false);
    client.get(10, TimeUnit.SECONDS);
    waited.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aProcessWhoseCpuTimeCannotBeKnownIsJudgedByItsRequests() throws Exception {
    new Quiet(() -> -1, requests).await();
  }

  /** CPU time that grows as fast as the clock while {@code busy}, as one core fully used, and stands still after. */
  private static LongSupplier oneCoreWhile(AtomicBoolean busy) {
    AtomicLong used = new AtomicLong();
    return () -> busy.get() ? used.updateAndGet(last -> System.nanoTime()) : used.get();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(Quiet quiet) {
    try {
      quiet.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
