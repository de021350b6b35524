package io.brazier.server.export;

import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanPage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Reads a run's scans ahead of its writing: the store reads the next pages (on a connection of their own per page)
 * while the run writes the last ones, so that an export takes about as long as the longer of reading and writing
 * rather than both. Up to {@code readers} scans are read at once, each by a thread of its own, which takes the
 * scans in the run's order and reads one to its end before it takes the next; the writer takes each scan's pages in
 * order. What is read and not yet written is bounded by a budget of bytes, not by a number of scans or pages, so
 * that while the writer is on a long type (Observation) the other reader reads the next types as far as the budget
 * allows, on a second PostgreSQL backend. The scan the writer is on may always hold {@code ahead} pages, whatever
 * the budget: the writer never waits on a budget filled by later scans. Held at most: the budget, plus a page in
 * hand per reader, plus {@code ahead} pages of the writer's scan, whatever the data. Every page is as of the scan's
 * own sequence, whichever thread reads it and whenever: reading ahead changes nothing of what is written.
 */
final class ReadAhead implements AutoCloseable {
  /** What a version holds beside its body (the record, its id, instant and list slot), counted in the budget. */
  private static final long VERSION_BYTES = 160;

  private final List<AsOfScan> scans;
  private final Function<AsOfScan, ScanPage> store;
  private final int ahead;
  private final long budget;
  /** Each scan's pages read and not yet taken (or the failure that ended its reading), in order. */
  private final List<ArrayDeque<Read>> pages = new ArrayList<>();
  private final AtomicInteger claimed = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled whenever a page is queued or taken, and on close. */
  private final Condition changed = lock.newCondition();
  /** Guarded by {@link #lock}: the scan the writer is on, and the bytes of the pages queued. */
  private int writing;
  private long held;
  private boolean closed;

  /** A page read, or the failure that ended a scan's reading, with the bytes it holds. */
  private record Read(Object page, long bytes) {}

  /**
   * Starts reading {@code scans} (null where a step reads nothing) in their order.
   *
   * @param store reads one page of a scan
   * @param ahead how many pages of the writer's scan may always wait for it, whatever the budget
   * @param budget how many bytes of pages may wait for the writer
   * @param name names the reading threads, for thread dumps and profiles
   */
  ReadAhead(List<AsOfScan> scans, Function<AsOfScan, ScanPage> store, int readers, int ahead, long budget,
      String name) {
    this.scans = new ArrayList<>(scans);
    this.store = store;
    this.ahead = ahead;
    this.budget = budget;
    scans.forEach(scan -> pages.add(new ArrayDeque<>()));
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
    Object page = take(index);
    if (page instanceof RuntimeException failure) {
      throw failure;
    } else if (page instanceof Error error) {
      throw error;
    }
    return (ScanPage) page;
  }

  /** The bytes a page holds, as the budget counts them. */
  static long bytes(ScanPage page) {
    long bytes = 0;
    for (ResourceVersion version : page.versions()) {
      bytes += version.json().length + VERSION_BYTES;
    }
    return bytes;
  }

  private Object take(int index) {
    lock.lock();
    try {
      if (writing != index) {
        writing = index; // the writer moved on: that scan's reader may queue its pages whatever the budget
        changed.signalAll();
      }
      ArrayDeque<Read> queue = pages.get(index);
      while (queue.isEmpty()) {
        changed.await();
      }
      Read read = queue.poll();
      held -= read.bytes();
      changed.signalAll();
      return read.page();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the store", e);
    } finally {
      lock.unlock();
    }
  }

  private void readScans() {
    for (int index = claimed.getAndIncrement(); index < scans.size(); index = claimed.getAndIncrement()) {
      if (scans.get(index) != null && !read(index)) {
        return;
      }
    }
  }

  /** Reads a scan to its end, or to its failure; false once closed. */
  private boolean read(int index) {
    AsOfScan next = scans.get(index);
    try {
      while (next != null) {
        ScanPage page = store.apply(next);
        if (!hand(index, new Read(page, bytes(page)))) {
          return false;
        }
        next = page.next() == null ? null : next.after(page.next());
      }
      return true;
    } catch (RuntimeException | Error e) {
      return hand(index, new Read(e, 0));
    }
  }

  /**
   * Queues a page (or a failure) for the writer once there is room for it: always for what holds nothing (a
   * failure, an empty page), and for the
   * writer's scan while it holds fewer than {@code ahead} pages; else while the pages queued hold less than the
   * budget. False once closed. It waits rather than being interrupted, so that closing never interrupts a read of
   * the store midway.
   */
  private boolean hand(int index, Read read) {
    lock.lock();
    try {
      while (!closed && !(read.bytes() == 0 || held < budget
          || index == writing && pages.get(index).size() < ahead)) {
        changed.awaitUninterruptibly();
      }
      if (closed) {
        return false;
      }
      pages.get(index).add(read);
      held += read.bytes();
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the reading, and returns once no thread reads any more: nothing touches the store after this. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
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
