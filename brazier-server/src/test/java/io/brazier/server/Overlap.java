package io.brazier.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts, as the server sees them, the requests it is answering at once: an interceptor on every test server, so that
 * a concurrency test shows that its requests overlapped inside the server, not only in its client's threads. Bundle
 * entries are part of their bundle's request and are not counted apart.
 */
public final class Overlap implements Interceptor {
  private final AtomicInteger now = new AtomicInteger();
  private final AtomicInteger most = new AtomicInteger();

  @Override
  public FhirRequest before(FhirRequest request) {
    if (!request.isEntry()) {
      most.accumulateAndGet(now.incrementAndGet(), Math::max);
    }
    return request;
  }

  /** A request that could not be routed never reached {@link #before}: it has no interaction. */
  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (!request.isEntry() && request.interaction() != null) {
      now.decrementAndGet();
    }
    return response;
  }

  /** Forgets the past: {@link #mostAtOnce} counts from now on. */
  public void reset() {
    most.set(now.get());
  }

  /** The most requests the server was answering at once since the last {@link #reset}. */
  public int mostAtOnce() {
    return most.get();
  }
}
