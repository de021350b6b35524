package io.brazier.sync;

import io.brazier.sync.source.SourceException;
import io.brazier.sync.target.RowChange;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The write-back's workers: a page of row changes written by several threads at once, so that one slow write holds
 * up no other row. A page holds each row once (its changes taken together), and the next page is taken only when
 * this one is written, so a row's changes stay in order. The rows the target inserted go first, one after the other
 * on the caller's thread: another row of the page may point to them.
 */
final class RowWriters implements AutoCloseable {
  private final ExecutorService pool;

  /** Writes one row's changes; an outage is thrown. */
  @FunctionalInterface
  interface Writer {
    void write(RowChange change) throws SQLException, SourceException;
  }

  RowWriters(int workers) {
    AtomicInteger count = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(workers, runnable -> {
      Thread thread = new Thread(runnable, "sync-write-back-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Writes every change of the page; the first outage met by any row is thrown once every row is through (the page
   * is taken again), and so is the first Error. False when {@code running} turns false or the caller is interrupted: the agent is stopping.
   */
  boolean writeAll(List<RowChange> changes, Writer writer, BooleanSupplier running)
      throws SQLException, SourceException {
    for (RowChange inserted : changes.stream().filter(change -> change.fhirId() == null).toList()) {
      if (!running.getAsBoolean()) {
        return false;
      }
      writer.write(inserted);
    }
    List<Future<Void>> writes = new ArrayList<>();
    for (RowChange synced : changes.stream().filter(change -> change.fhirId() != null).toList()) {
      if (!running.getAsBoolean()) {
        break;
      }
      writes.add(pool.submit(() -> {
        writer.write(synced);
        return null;
      }));
    }
    Throwable failure = null;
    for (Future<Void> write : writes) {
      try {
        write.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException e) {
        failure = failure != null ? failure : e.getCause();
      }
    }
    rethrow(failure);
    return running.getAsBoolean();
  }

  /**
   * A row's failure as the caller's own: an Error (out of memory, of stack) as it is, so that it ends write-back as
   * one on write-back's own thread does, rather than become a failure for which the page is taken again for ever.
   */
  private static void rethrow(Throwable failure) throws SQLException, SourceException {
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure instanceof SQLException sql) {
      throw sql;
    }
    if (failure instanceof SourceException source) {
      throw source;
    }
    if (failure != null) {
      throw new IllegalStateException("Sync write-back failed: " + failure.getMessage(), failure);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
