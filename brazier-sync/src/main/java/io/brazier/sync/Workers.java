package io.brazier.sync;

import io.brazier.client.Change;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.target.Batch;
import io.brazier.sync.target.DeadLetter;
import io.brazier.sync.target.Item;
import io.brazier.sync.target.RelationalTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers that apply changes: each owns the patients whose partition hashes to it, so a patient's changes are
 * applied in order while patients are applied in parallel. A worker takes what is queued (up to a batch) and writes it
 * in one transaction with its checkpoint: the feed position that the reader marked after every change it gave it.
 * Queues are bounded, so a reader ahead of its workers waits.
 */
final class Workers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Workers.class);
  private static final int QUEUE = 2_000;
  private static final int BATCH = 500;
  /** An idle worker records the position it has reached at most this often. */
  private static final long IDLE_CHECKPOINT_MILLIS = 1_000;

  private final List<Worker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  /** A change for a worker, with its partition. */
  private record Dispatched(Change change, String partition) {}

  /** A reader's mark: every change up to this position that is for this worker is queued before it. */
  private record Mark(long position) {}

  /** Starts {@code count} workers, as the part {@code workers} of {@code threads}. */
  Workers(int count, String source, Supplier<MapSet> maps, Preparer preparer, RelationalTarget target,
      SyncMetrics metrics, int maxAttempts, EndedThreads threads) {
    Retries retries = new Retries(maxAttempts, metrics, () -> running);
    for (int i = 0; i < count; i++) {
      Worker worker = new Worker(i, source, maps, preparer, target, metrics, retries);
      workers.add(worker);
      this.threads.add(threads.start("workers", "sync-worker-" + i, worker));
    }
  }

  /** Queues a change for its partition's worker; waits while that worker's queue is full. */
  void submit(Change change, String partition) throws InterruptedException {
    workers.get(Math.floorMod(partition.hashCode(), workers.size())).queue.put(new Dispatched(change, partition));
  }

  /** Tells every worker that every change up to {@code position} has been queued. */
  void mark(long position) throws InterruptedException {
    for (Worker worker : workers) {
      worker.queue.put(new Mark(position));
    }
  }

  /**
   * Stops the workers: each finishes its batch and records how far it got; one waiting out an outage stops at once
   * (its changes are applied again at the next start).
   */
  @Override
  public void close() {
    running = false;
    join(5_000);
    threads.forEach(Thread::interrupt);
    join(5_000);
  }

  private void join(long millis) {
    for (Thread thread : threads) {
      try {
        thread.join(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One worker: its queue, and the position it has recorded. */
  private final class Worker implements Runnable {
    private final int index;
    private final String source;
    private final Supplier<MapSet> maps;
    private final Preparer preparer;
    private final RelationalTarget target;
    private final SyncMetrics metrics;
    private final Retries retries;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private long marked = -1;
    private long recorded = -1;
    private long recordedAt;

    Worker(int index, String source, Supplier<MapSet> maps, Preparer preparer, RelationalTarget target,
        SyncMetrics metrics, Retries retries) {
      this.index = index;
      this.source = source;
      this.maps = maps;
      this.preparer = preparer;
      this.target = target;
      this.metrics = metrics;
      this.retries = retries;
    }

    @Override
    public void run() {
      try {
        while (running) {
          Object first = queue.poll(250, TimeUnit.MILLISECONDS);
          List<Dispatched> changes = new ArrayList<>();
          if (first != null) {
            List<Object> taken = new ArrayList<>(List.of(first));
            queue.drainTo(taken, BATCH - 1);
            for (Object one : taken) {
              if (one instanceof Mark mark) {
                marked = Math.max(marked, mark.position());
              } else {
                changes.add((Dispatched) one);
              }
            }
          }
          if (!changes.isEmpty()) {
            apply(changes);
          } else if (marked > recorded && System.currentTimeMillis() - recordedAt >= IDLE_CHECKPOINT_MILLIS) {
            write(maps.get(), List.of(), List.of(), List.of(), true);
          }
        }
        recordPosition();
      } catch (InterruptedException | Retries.Stopped e) {
        log.debug("Sync worker {} stopped", index);
      }
      // A change's own failure, expected or not, is retried and dead-lettered (Retries). What escapes that is the
      // worker's: it ends the thread, and EndedThreads names the workers in the health; the worker's changes are
      // applied again at the next start.
    }

    /** On the way out, the position reached; if the target cannot take it, the next start reads a little more. */
    private void recordPosition() {
      if (marked > recorded) {
        try {
          target.apply(maps.get(), Batch.changes(source, List.of(), new Batch.Checkpoint(source, index, marked),
              List.of()));
        } catch (java.sql.SQLException | RuntimeException e) {
          log.debug("Sync worker {} did not record its position on stopping: {}", index, e.getMessage());
        }
      }
    }

    private void apply(List<Dispatched> changes) {
      MapSet current = maps.get();
      List<Item> items = new ArrayList<>();
      List<DeadLetter> dead = new ArrayList<>();
      List<Long> unmapped = new ArrayList<>();
      for (Dispatched dispatched : changes) {
        Change change = dispatched.change();
        try {
          Item item = retries.run(change.reference(),
              attempt -> preparer.prepare(current, change, dispatched.partition(), attempt > 1));
          if (item != null) {
            items.add(item);
          } else {
            unmapped.add(change.sequence());
          }
        } catch (Retries.GaveUp e) {
          dead.add(letter(change.sequence(), change.type(), change.id(), change.version(),
              change.action().name().toLowerCase(Locale.ROOT), dispatched.partition(), e));
        }
      }
      write(current, items, dead, unmapped, true);
    }

    /**
     * Writes items, dead letters and (when {@code last}) this worker's position in one transaction, under the maps
     * the items were mapped with (a reload meanwhile changes the next batch). Items that cannot be written together,
     * or with the position, are written one by one on their own, so that only an item that fails alone is
     * dead-lettered (never one whose bookkeeping the target refuses), and the position is recorded after all of them.
     */
    private void write(MapSet current, List<Item> items, List<DeadLetter> dead, List<Long> unmapped, boolean last) {
      List<DeadLetter> letters = new ArrayList<>(dead);
      while (true) {
        long position = marked;
        List<Item> writing = items;
        Batch.Checkpoint checkpoint = last && position > recorded ? new Batch.Checkpoint(source, index, position)
            : null;
        try {
          RelationalTarget.Applied applied = retries.run("writing " + items.size() + " changes", attempt ->
              target.apply(current, Batch.changes(source, writing, checkpoint, letters)));
          done(writing, letters, unmapped, applied);
          if (checkpoint != null) {
            recorded = position;
            metrics.checkpointWritten();
          }
          recordedAt = System.currentTimeMillis();
          return;
        } catch (Retries.GaveUp e) {
          if (items.size() > 1 || !items.isEmpty() && checkpoint != null) {
            items.forEach(item -> write(current, List.of(item), List.of(), List.of(), false));
            write(current, List.of(), letters, unmapped, last);
            return;
          }
          if (items.isEmpty()) {
            // Only bookkeeping failed, and not for an outage: the target is broken. Keep trying, slowly; the health
            // names the checkpoint once that has lasted --sync-unhealthy-after.
            log.error("Sync cannot write to the target, retrying: {}", e.getMessage());
            metrics.checkpointUnwritten(e.getMessage());
            Failures.sleep(Failures.backoff(10));
          } else {
            Item item = items.get(0);
            letters.add(letter(item.sequence(), item.type(), item.id(), item.version(),
                item.deleted() ? "delete" : "upsert", item.partition(), e));
            items = List.of();
          }
        }
      }
    }

    private void done(List<Item> items, List<DeadLetter> letters, List<Long> unmapped,
        RelationalTarget.Applied applied) {
      List<Long> sequences = new ArrayList<>(unmapped);
      items.forEach(item -> sequences.add(item.sequence()));
      metrics.applied(sequences, applied.written(), applied.skipped() + unmapped.size());
      for (DeadLetter letter : letters) {
        metrics.deadLettered(letter.sequence());
        log.warn("Sync gave up on {}/{} after {} attempts: {}", letter.type(), letter.resourceId(), letter.attempts(),
            letter.error());
      }
    }

    private DeadLetter letter(long sequence, String type, String id, Integer version, String action,
        String partition, Retries.GaveUp e) {
      return new DeadLetter(0, source, sequence, type, id, version, action, partition, e.attempts(), e.getMessage(),
          null);
    }
  }
}
