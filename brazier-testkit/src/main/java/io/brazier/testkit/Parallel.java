package io.brazier.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs steps on threads of their own that a barrier releases together, and counts how many steps ran at once: what a
 * concurrency test needs to make its calls meet, and to show that they did.
 */
public final class Parallel {
  private Parallel() {}

  /** One step of one thread. */
  @FunctionalInterface
  public interface Step<T> {
    T run(int thread, int step) throws Exception;
  }

  /** Every step's result, in no particular order, and the most steps that were running at one moment. */
  public record Run<T>(List<T> results, int mostAtOnce) {}

  /** Runs {@code steps} steps on each of {@code threads} threads, started at once; a step that throws fails the run. */
  public static <T> Run<T> run(int threads, int steps, Step<T> step) throws InterruptedException {
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<List<T>>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        tasks.add(() -> {
          start.await();
          List<T> results = new ArrayList<>();
          for (int i = 0; i < steps; i++) {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
              results.add(step.run(thread, i));
            } finally {
              now.decrementAndGet();
            }
          }
          return results;
        });
      }
      List<T> results = new ArrayList<>();
      for (Future<List<T>> done : pool.invokeAll(tasks)) {
        results.addAll(done.get());
      }
      return new Run<>(results, most.get());
    } catch (ExecutionException e) {
      throw new AssertionError("A step failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
