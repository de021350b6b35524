package io.brazier.server.interaction;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs the steps of one request (the entries of a bundle) on the calling thread and, beside it, on the common pool's
 * threads. Each thread claims the next step until none is left; the caller then waits only for the steps others
 * have claimed. A parallel stream does the same work, but its caller, while waiting, scans every queue of the pool
 * for subtasks of its own: with several bundles in flight on two cores that scan took a tenth of the server's CPU.
 */
final class Parallel {
  private Parallel() {}

  /**
   * Calls {@code step} once for each of {@code 0 .. count-1}, in no particular order, and returns when all have
   * returned; the first exception any of them threw is then thrown again.
   */
  static void forEach(int count, IntConsumer step) {
    int helpers = Math.min(count - 1, ForkJoinPool.getCommonPoolParallelism());
    if (helpers <= 0) {
      for (int i = 0; i < count; i++) {
        step.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(count);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable claim = () -> {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        try {
          step.accept(i);
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }
    };
    for (int i = 0; i < helpers; i++) {
      ForkJoinPool.commonPool().execute(claim);
    }
    claim.run();
    awaitUninterruptibly(done);
    if (failure.get() instanceof RuntimeException e) {
      throw e;
    }
    if (failure.get() instanceof Error e) {
      throw e;
    }
  }

  /** A request's steps run to the end: an interrupt then is kept for the caller to see. */
  private static void awaitUninterruptibly(CountDownLatch done) {
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
