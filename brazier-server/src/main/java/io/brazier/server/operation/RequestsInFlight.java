package io.brazier.server.operation;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the requests the API is answering, so that work no request needs yet ({@link Quiet}) can wait until none
 * is: whatever they came through (HTTP, a module of this process) and however little CPU they use while they wait
 * on the database.
 */
public final class RequestsInFlight {
  private final AtomicLong begun = new AtomicLong();
  private final AtomicLong ended = new AtomicLong();

  public void begin() {
    begun.incrementAndGet();
  }

  public void end() {
    ended.incrementAndGet();
  }

  /** How many requests began so far: the same count at both ends of a while means none began meanwhile. */
  long begun() {
    return begun.get();
  }

  /** Whether a request is being answered; a request that ends as this reads may still count as open. */
  boolean anyOpen() {
    long endedSoFar = ended.get(); // read first: a request that begins meanwhile makes the difference larger
    return begun.get() > endedSoFar;
  }
}
