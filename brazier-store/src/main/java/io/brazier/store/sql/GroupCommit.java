package io.brazier.store.sql;

import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;

/**
 * Commits the small batches of concurrent requests together, in one database transaction: one statement per table
 * and one WAL flush serve many creates and updates. A few committer threads (lanes) each take what has queued up
 * and commit it as one group, so that while one group waits for its WAL flush the next is already being written,
 * and PostgreSQL flushes their commits together. A group that fails is committed again batch by batch, so each
 * caller gets its own outcome and one bad write never fails another's. Large batches (bundles) commit on their own,
 * on the caller's thread, and batches that touch the same resource never share a group.
 */
final class GroupCommit implements AutoCloseable {
  static final int MAX_GROUPED_BATCH = 64;
  private static final int MAX_GROUP_WRITES = 1024;
  private static final int LANES = 3;

  private final Consumer<List<Write>> transaction;
  private final BlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
  private final List<Thread> lanes = new ArrayList<>();
  private volatile boolean closed;

  private static final class Pending {
    final List<Write> writes;
    final List<String> keys = new ArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Pending(List<Write> writes) {
      this.writes = writes;
      writes.forEach(write -> keys.add(write.type() + "/" + write.id()));
    }
  }

  GroupCommit(Consumer<List<Write>> transaction) {
    this.transaction = transaction;
    for (int i = 1; i <= LANES; i++) {
      Thread lane = new Thread(this::commitGroups, "brazier-commit-" + i);
      lane.setDaemon(true);
      lane.start();
      lanes.add(lane);
    }
  }

  void commit(List<Write> writes) {
    if (closed) {
      throw new IllegalStateException("The store is closed");
    }
    if (writes.size() > MAX_GROUPED_BATCH) {
      transaction.accept(writes);
      return;
    }
    Pending mine = new Pending(writes);
    queue.add(mine);
    if (closed && queue.remove(mine)) {
      throw new IllegalStateException("The store is closed");
    }
    try {
      mine.done.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw (Error) e.getCause();
    } catch (InterruptedException e) {
      // The group may still commit: the caller only stops waiting for it.
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a commit", e);
    }
  }

  private void commitGroups() {
    while (!closed) {
      List<Pending> group;
      try {
        group = nextGroup(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      try {
        commitGroup(group);
      } catch (RuntimeException | Error e) {
        // Whatever went wrong, every caller of the group gets an answer and the lane lives on.
        group.forEach(pending -> pending.done.completeExceptionally(e));
      }
    }
  }

  /**
   * {@code first} and the batches queued after it, in arrival order, that touch resources none of the others
   * touches; the rest stay queued, at their place.
   */
  private List<Pending> nextGroup(Pending first) {
    List<Pending> group = new ArrayList<>(List.of(first));
    List<Pending> later = new ArrayList<>();
    Set<String> touched = new HashSet<>(first.keys);
    int size = first.writes.size();
    for (Pending pending; (pending = queue.poll()) != null; ) {
      if (size + pending.writes.size() <= MAX_GROUP_WRITES && Collections.disjoint(pending.keys, touched)) {
        touched.addAll(pending.keys);
        size += pending.writes.size();
        group.add(pending);
      } else {
        later.add(pending);
      }
    }
    for (int i = later.size() - 1; i >= 0; i--) {
      queue.addFirst(later.get(i));
    }
    return group;
  }

  private void commitGroup(List<Pending> group) {
    if (group.size() > 1) {
      List<Write> all = new ArrayList<>();
      group.forEach(pending -> all.addAll(pending.writes));
      try {
        transaction.accept(all);
        group.forEach(pending -> pending.done.complete(null));
        return;
      } catch (RuntimeException | Error e) {
        // Someone's write failed: find out whose by committing each batch on its own.
      }
    }
    for (Pending pending : group) {
      try {
        transaction.accept(pending.writes);
        pending.done.complete(null);
      } catch (RuntimeException | Error e) {
        pending.done.completeExceptionally(e);
      }
    }
  }

  /**
   * Stops the lanes once their groups in flight have committed; batches still queued fail, as the database they
   * would go to is closing.
   */
  @Override
  public void close() {
    closed = true;
    lanes.forEach(Thread::interrupt);
    for (Thread lane : lanes) {
      try {
        lane.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Pending pending; (pending = queue.poll()) != null; ) {
      pending.done.completeExceptionally(new IllegalStateException("The store closed before this commit"));
    }
  }
}
