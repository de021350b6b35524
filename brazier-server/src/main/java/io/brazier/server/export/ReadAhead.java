package io.brazier.server.export;

import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Reads a run's scans ahead of its writing: the store reads the next pages (on a connection of their own per page)
 * while the run writes the last ones, so that an export takes about as long as the longer of reading and writing
 * rather than both. Up to {@code readers} threads read at once, each a range of a scan at a time, taking the ranges
 * in the run's order: a scan's first page is a range of its own, and a scan that does not end there has the rest
 * cut into ranges (a long type into several, see {@code Store.ranges}) by the thread that read it, so that both
 * readers read a long type (Observation) at once, on two PostgreSQL backends, and a short one costs no cut. The
 * writer takes each scan's pages in order, range after range, as one scan: a range's last page names the range's
 * end as where the next page starts, so a cursor recorded there resumes the scan exactly. What is read and not yet
 * written is bounded by a budget of bytes, not by a number of ranges or pages, so that while the writer is on one
 * range the readers read the next ones as far as the budget allows. The range the writer is on may always hold
 * {@code ahead} pages, whatever the budget: the writer never waits on a budget filled by later ranges, and since the
 * ranges are taken in its order, the one it waits for is always being read. Held at most: the budget, plus a page in
 * hand per reader, plus {@code ahead} pages of the writer's range, whatever the data. Every page is as of the scan's
 * own sequence, whichever thread reads it and whenever: reading ahead changes nothing of what is written.
 */
final class ReadAhead implements AutoCloseable {
  /** What a version holds beside its body (the record, its id, instant and list slot), counted in the budget. */
  private static final long VERSION_BYTES = 160;
  private static final Comparator<Range> RUN_ORDER =
      Comparator.comparingInt((Range range) -> range.scan).thenComparingInt(range -> range.index);

  private final List<AsOfScan> scans;
  private final Function<AsOfScan, List<AsOfScan>> cut;
  private final Function<AsOfScan, ScanPage> store;
  private final int ahead;
  private final long budget;
  private final List<Thread> threads = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled whenever a page is queued or taken, a scan's ranges are known, and on close. */
  private final Condition changed = lock.newCondition();
  /** Guarded by {@link #lock}: each scan's ranges as far as known, those no reader took yet, in the run's order. */
  private final List<Ranges> ranges = new ArrayList<>();
  private final PriorityQueue<Range> unclaimed = new PriorityQueue<>(RUN_ORDER);
  /** Guarded by {@link #lock}: how many first pages are being read or their scans cut, whose ranges are to come. */
  private int cutting;
  /** Guarded by {@link #lock}: the range the writer is on, and the bytes of the pages queued. */
  private Range writing;
  private long held;
  private boolean closed;
  /** The writer's range in each scan: the writer's alone. */
  private final int[] writerRange;

  /** A page read, or the failure that ended a range's reading, with the bytes it holds. */
  private record Read(Object page, long bytes) {}

  /**
   * A part of scan {@code scan}: its first page ({@code index} 0, read from the scan itself), or one of the ranges
   * the rest was cut into. {@code end} is where the next range starts (null: the scan's end). Its pages read and not
   * yet taken, or the failure that ended its reading, in order, are guarded by {@link #lock}.
   */
  private static final class Range {
    final int scan;
    final int index;
    final AsOfScan read;
    ScanCursor end;
    final ArrayDeque<Read> pages = new ArrayDeque<>();

    Range(int scan, int index, AsOfScan read, ScanCursor end) {
      this.scan = scan;
      this.index = index;
      this.read = read;
      this.end = end;
    }
  }

  /** A scan's ranges, all of them once {@code known}: its first page was read and the rest cut. */
  private static final class Ranges {
    final List<Range> list = new ArrayList<>();
    boolean known;
  }

  /**
   * Starts reading {@code scans} (null where a step reads nothing) in their order.
   *
   * @param cut cuts what follows a scan's first page into consecutive ranges that together serve exactly that
   * @param store reads one page of a scan
   * @param ahead how many pages of the writer's range may always wait for it, whatever the budget
   * @param budget how many bytes of pages may wait for the writer
   * @param name names the reading threads, for thread dumps and profiles
   */
  ReadAhead(List<AsOfScan> scans, Function<AsOfScan, List<AsOfScan>> cut, Function<AsOfScan, ScanPage> store,
      int readers, int ahead, long budget, String name) {
    this.scans = new ArrayList<>(scans);
    this.cut = cut;
    this.store = store;
    this.ahead = ahead;
    this.budget = budget;
    this.writerRange = new int[scans.size()];
    for (int index = 0; index < scans.size(); index++) {
      Ranges of = new Ranges();
      if (scans.get(index) != null) {
        Range first = new Range(index, 0, scans.get(index), null);
        of.list.add(first);
        unclaimed.add(first);
      }
      ranges.add(of);
    }
    for (int n = 0; n < readers; n++) { // even for one scan: its ranges are read at once
      Thread thread = new Thread(this::readRanges, name + "-" + n);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /** Scan {@code index} as it starts: null when it reads nothing. */
  AsOfScan scan(int index) {
    return scans.get(index);
  }

  /**
   * The next page of scan {@code index}, once it is read; the failure of its reading is thrown here. The last page
   * of a range before the scan's last names the range's end as its {@code next}: the next range starts after it.
   */
  ScanPage next(int index) {
    lock.lock();
    try {
      Range range = ranges.get(index).list.get(writerRange[index]);
      Object taken = take(range);
      if (taken instanceof RuntimeException failure) {
        throw failure;
      } else if (taken instanceof Error error) {
        throw error;
      }
      ScanPage page = (ScanPage) taken;
      if (range.index > 0 && page.next() != null) {
        return page;
      }
      // The range ended: its first page alone is a range, and the others end with a page that names no next.
      while (!ranges.get(index).known) {
        changed.await();
      }
      if (writerRange[index] + 1 == ranges.get(index).list.size()) {
        return page;
      }
      writerRange[index]++;
      return new ScanPage(page.versions(), range.end);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the store", e);
    } finally {
      lock.unlock();
    }
  }

  /** The bytes a page holds, as the budget counts them. */
  static long bytes(ScanPage page) {
    long bytes = 0;
    for (ResourceVersion version : page.versions()) {
      bytes += version.json().length + VERSION_BYTES;
    }
    return bytes;
  }

  /** Takes the next page of the writer's range, once there is one; under the lock. */
  private Object take(Range range) throws InterruptedException {
    if (writing != range) {
      writing = range; // the writer moved on: that range's reader may queue its pages whatever the budget
      changed.signalAll();
    }
    while (range.pages.isEmpty()) {
      changed.await();
    }
    Read read = range.pages.poll();
    held -= read.bytes();
    changed.signalAll();
    return read.page();
  }

  private void readRanges() {
    for (Range range = claim(); range != null; range = claim()) {
      if (!(range.index == 0 ? readFirst(range) : read(range))) {
        return;
      }
    }
  }

  /**
   * The first range no reader took yet, in the run's order; null once there is none and none is to come (or once
   * closed). While a scan is being cut, its ranges are to come: a reader waits for them rather than end.
   */
  private Range claim() {
    lock.lock();
    try {
      while (!closed && unclaimed.isEmpty() && cutting > 0) {
        changed.awaitUninterruptibly();
      }
      Range next = closed ? null : unclaimed.poll();
      if (next != null && next.index == 0) {
        cutting++;
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads a scan's first page and, if the scan goes on, cuts the rest into ranges and reads the first of them (the
   * others are there for any reader to take); false once closed.
   */
  private boolean readFirst(Range first) {
    ScanPage page;
    try {
      page = store.apply(first.read);
    } catch (RuntimeException | Error e) {
      publish(first, List.of());
      return hand(first, new Read(e, 0));
    }
    if (!hand(first, new Read(page, bytes(page)))) {
      publish(first, List.of());
      return false;
    }
    if (page.next() == null) {
      publish(first, List.of());
      return true;
    }
    AsOfScan rest = first.read.after(page.next());
    List<AsOfScan> cutRest;
    try {
      cutRest = cut.apply(rest);
    } catch (RuntimeException | Error e) {
      return hand(publish(first, List.of(rest)), new Read(e, 0));
    }
    return read(publish(first, cutRest));
  }

  /**
   * Makes known the ranges that follow a scan's first page (none: it was the whole scan), the second and later for
   * any reader to take; the first of them, which the caller reads, or null.
   */
  private Range publish(Range first, List<AsOfScan> rest) {
    lock.lock();
    try {
      Ranges of = ranges.get(first.scan);
      for (AsOfScan range : rest) {
        Range next = new Range(first.scan, of.list.size(), range, range.upTo());
        of.list.add(next);
        if (next.index > 1) {
          unclaimed.add(next);
        }
      }
      first.end = rest.isEmpty() ? null : rest.get(0).after();
      of.known = true;
      cutting--;
      changed.signalAll();
      return rest.isEmpty() ? null : of.list.get(1);
    } finally {
      lock.unlock();
    }
  }

  /** Reads a range to its end, or to its failure; false once closed. */
  private boolean read(Range range) {
    AsOfScan next = range.read;
    try {
      while (next != null) {
        ScanPage page = store.apply(next);
        if (!hand(range, new Read(page, bytes(page)))) {
          return false;
        }
        next = page.next() == null ? null : next.after(page.next());
      }
      return true;
    } catch (RuntimeException | Error e) {
      return hand(range, new Read(e, 0));
    }
  }

  /**
   * Queues a page (or a failure) for the writer once there is room for it: always for what holds nothing (a
   * failure, an empty page), and for the writer's range while it holds fewer than {@code ahead} pages; else while
   * the pages queued hold less than the budget. False once closed. It waits rather than being interrupted, so that
   * closing never interrupts a read of the store midway.
   */
  private boolean hand(Range range, Read read) {
    lock.lock();
    try {
      while (!closed && !(read.bytes() == 0 || held < budget
          || range == writing && range.pages.size() < ahead)) {
        changed.awaitUninterruptibly();
      }
      if (closed) {
        return false;
      }
      range.pages.add(read);
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
