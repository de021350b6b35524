package io.brazier.server.export;

import io.brazier.store.AsOfScan;
import io.brazier.store.ScanPage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Reads a run's scans ahead of its writing: the store reads the next pages (on a connection of their own per page)
 * while the run writes the last ones, so that an export takes about as long as the longer of reading and writing
 * rather than both. Up to {@code readers} scans are read at once, each by a thread of its own, which takes the
 * scans in the run's order and reads one to its end before it takes the next; each scan's pages wait in a queue of
 * {@code ahead} pages for the writer, which takes them in order. A scan is taken only when fewer than
 * {@code readers} scans are being read or waiting for the writer: so the scan the writer is on is always being
 * read, and what is held is at most {@code readers * (ahead + 1)} pages, whatever the data. Every page is as of the
 * scan's own sequence, whichever thread reads it and whenever: reading ahead changes nothing of what is written.
 */
final class ReadAhead implements AutoCloseable {
  /** How often a reader waiting for its turn, or for room in its queue, looks whether the run has closed. */
  private static final Duration WAIT = Duration.ofMillis(50);

  private final List<AsOfScan> scans;
  private final Function<AsOfScan, ScanPage> store;
  /** Each scan's pages, or the failure that ended its reading, in order. */
  private final List<BlockingQueue<Object>> pages = new ArrayList<>();
  private final AtomicInteger claimed = new AtomicInteger();
  /** One per scan taken and not yet written to its end: a reader takes one before it takes a scan. */
  private final Semaphore turns;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  /**
   * Starts reading {@code scans} (null where a step reads nothing) in their order.
   *
   * @param store reads one page of a scan
   * @param name names the reading threads, for thread dumps and profiles
   */
  ReadAhead(List<AsOfScan> scans, Function<AsOfScan, ScanPage> store, int readers, int ahead, String name) {
    this.scans = new ArrayList<>(scans);
    this.store = store;
    this.turns = new Semaphore(readers);
    scans.forEach(scan -> pages.add(new ArrayBlockingQueue<>(ahead)));
    for (int n = 0; n < Math.min(readers, scans.size()); n++) {
      Thread thread = new Thread(this::readScans, name + "-" + n);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /** Scan {@code index} as it starts: null when it reads nothing. */
  AsOfScan scan(int index) {
    return scans.get(index);
  }

  /** The next page of scan {@code index}, once it is read; the failure of its reading is thrown here. */
  ScanPage next(int index) {
    Object page;
    try {
      page = pages.get(index).take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the store", e);
    }
    if (page instanceof RuntimeException failure) {
      throw failure;
    } else if (page instanceof Error error) {
      throw error;
    }
    ScanPage scanPage = (ScanPage) page;
    if (scanPage.next() == null) {
      turns.release(); // the scan is written: a reader may take the next
    }
    return scanPage;
  }

  private void readScans() {
    // A turn is taken before a scan, so that the scans being read are always the first ones not yet written.
    while (takeTurn()) {
      int index = claimed.getAndIncrement();
      if (index >= scans.size()) {
        return;
      }
      if (scans.get(index) == null) {
        turns.release();
      } else {
        read(index);
      }
    }
  }

  /** Waits for a turn to read a scan; false once closed. */
  private boolean takeTurn() {
    try {
      while (!turns.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        if (closed) {
          return false;
        }
      }
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void read(int index) {
    AsOfScan next = scans.get(index);
    try {
      while (next != null && !closed) {
        ScanPage page = store.apply(next);
        if (!hand(index, page)) {
          return;
        }
        next = page.next() == null ? null : next.after(page.next());
      }
    } catch (RuntimeException | Error e) {
      hand(index, e);
    }
  }

  /**
   * Queues a page (or a failure) for the writer, waiting while its queue is full; false once closed. It polls
   * rather than being interrupted, so that closing never interrupts a read of the store midway.
   */
  private boolean hand(int index, Object page) {
    try {
      while (!pages.get(index).offer(page, WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        if (closed) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the reading, and returns once no thread reads any more: nothing touches the store after this. */
  @Override
  public void close() {
    closed = true;
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
