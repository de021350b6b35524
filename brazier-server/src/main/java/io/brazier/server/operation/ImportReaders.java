package io.brazier.server.operation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The threads that read an import's batches, one per core: each reads a whole batch (parse, check, index, encode
 * for staging), several batches at once, while the one writer stages the batch before. Batches come out in the
 * order they went in, whichever finishes first, so staging, line numbers and the cursor keep the reading order.
 *
 * @param <T> what reading a batch gives
 */
final class ImportReaders<T> implements AutoCloseable {
  /**
   * Batches queued beyond those being read, so that the readers have work while the writer stages: with one, the
   * readers of the shared Synthea set stood idle for a quarter of the reading (parked 33 s of 140 thread-seconds).
   */
  private static final int WAITING = 3;
  private final int threads;
  private final ExecutorService pool;
  private final Deque<Future<T>> inFlight = new ArrayDeque<>();

  ImportReaders(int threads) {
    this.threads = threads;
    this.pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "brazier-import-read");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts reading a batch. */
  void submit(Callable<T> batch) {
    inFlight.add(pool.submit(batch));
  }

  /**
   * Whether every reader is busy and {@value #WAITING} batches more wait: the oldest should be taken ({@link #next})
   * first.
   */
  boolean full() {
    return inFlight.size() >= threads + WAITING;
  }

  boolean isEmpty() {
    return inFlight.isEmpty();
  }

  /** The oldest batch, once read; a failure to read it is thrown here. */
  T next() {
    try {
      return inFlight.poll().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading an import", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Stops the threads; batches still being read are abandoned. */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
