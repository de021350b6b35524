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
 * What they hold is bounded by count and by bytes: a line's reading takes many times its bytes (its tree, its
 * model, its index rows), so a few huge lines, read side by side, would fill the heap that a thousand batches of
 * ordinary lines never do.
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
  private final long maxBytes;
  private final ExecutorService pool;
  private final Deque<InFlight<T>> inFlight = new ArrayDeque<>();
  private long bytes;

  /** A batch submitted and not yet taken, and the bytes of its lines. */
  private record InFlight<T>(Future<T> read, long bytes) {}

  /**
   * {@code threads} readers, whose batches in flight hold at most {@code maxBytes} of lines between them, but for
   * the last one submitted: a batch past that is read with those before it, and none after it until it is taken.
   */
  ImportReaders(int threads, long maxBytes) {
    this.threads = threads;
    this.maxBytes = maxBytes;
    this.pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "brazier-import-read");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts reading a batch whose lines are {@code lineBytes} long. */
  void submit(Callable<T> batch, long lineBytes) {
    inFlight.add(new InFlight<>(pool.submit(batch), lineBytes));
    bytes += lineBytes;
  }

  /**
   * Whether the oldest batch should be taken ({@link #next}) before another is submitted: every reader is busy and
   * {@value #WAITING} batches more wait, or the batches in flight hold the most bytes of lines they may.
   */
  boolean full() {
    return inFlight.size() >= threads + WAITING || bytes >= maxBytes;
  }

  boolean isEmpty() {
    return inFlight.isEmpty();
  }

  /** The oldest batch, once read; a failure to read it is thrown here. */
  T next() {
    InFlight<T> oldest = inFlight.poll();
    bytes -= oldest.bytes();
    try {
      return oldest.read().get();
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
