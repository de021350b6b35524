package io.brazier.server;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holds the kick-offs of an operation inside the server until as many as a test expects have arrived, so that they
 * are handled at once however fast each one is: an interceptor, on one node or shared by several.
 */
public final class Meeting implements Interceptor {
  private final String operation;
  private volatile CyclicBarrier barrier;

  /** @param operation the operation whose requests meet, {@code $export} say */
  public Meeting(String operation) {
    this.operation = operation;
  }

  /** The next {@code kickOffs} requests of the operation wait for each other; none waits after {@code expect(0)}. */
  public void expect(int kickOffs) {
    barrier = kickOffs == 0 ? null : new CyclicBarrier(kickOffs);
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    CyclicBarrier waiting = barrier;
    if (waiting != null && operation.equals(request.operation())) {
      try {
        waiting.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("The kick-offs did not meet", e);
      }
    }
    return request;
  }
}
