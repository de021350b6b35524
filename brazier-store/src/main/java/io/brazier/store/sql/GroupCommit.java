package io.brazier.store.sql;

import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Commits the small batches of concurrent requests together, in one database transaction: one statement per table
 * and one WAL flush serve many creates and updates. While one group commits, the batches that arrive queue up; the
 * next caller to take the lead commits all of them. A group that fails is committed again batch by batch, so each
 * caller gets its own outcome and one bad write never fails another's. Large batches (bundles) commit on their own,
 * concurrently, and batches that touch the same resource never share a group.
 */
final class GroupCommit {
  static final int MAX_GROUPED_BATCH = 64;
  private static final int MAX_GROUP_WRITES = 1024;

  private final Consumer<List<Write>> transaction;
  private final ReentrantLock lead = new ReentrantLock();
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

  private static final class Pending {
    final List<Write> writes;
    final List<String> keys = new ArrayList<>();
    RuntimeException failure;
    volatile boolean done;

    Pending(List<Write> writes) {
      this.writes = writes;
      writes.forEach(write -> keys.add(write.type() + "/" + write.id()));
    }
  }

  GroupCommit(Consumer<List<Write>> transaction) {
    this.transaction = transaction;
  }

  void commit(List<Write> writes) {
    if (writes.size() > MAX_GROUPED_BATCH) {
      transaction.accept(writes);
      return;
    }
    Pending mine = new Pending(writes);
    queue.add(mine);
    lead.lock();
    try {
      while (!mine.done) {
        commitGroup(nextGroup());
      }
    } finally {
      lead.unlock();
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
  }

  /** The queued batches, in arrival order, that touch disjoint resources; the others stay queued. */
  private List<Pending> nextGroup() {
    List<Pending> group = new ArrayList<>();
    List<Pending> later = new ArrayList<>();
    Set<String> touched = new HashSet<>();
    int size = 0;
    for (Pending pending; (pending = queue.poll()) != null; ) {
      if (size + pending.writes.size() <= MAX_GROUP_WRITES && Collections.disjoint(pending.keys, touched)) {
        touched.addAll(pending.keys);
        size += pending.writes.size();
        group.add(pending);
      } else {
        later.add(pending);
      }
    }
    queue.addAll(later);
    return group;
  }

  private void commitGroup(List<Pending> group) {
    if (group.size() > 1) {
      List<Write> all = new ArrayList<>();
      group.forEach(pending -> all.addAll(pending.writes));
      try {
        transaction.accept(all);
        group.forEach(pending -> pending.done = true);
        return;
      } catch (RuntimeException e) {
        // Someone's write failed: find out whose by committing each batch on its own.
      }
    }
    for (Pending pending : group) {
      try {
        transaction.accept(pending.writes);
      } catch (RuntimeException e) {
        pending.failure = e;
      }
      pending.done = true;
    }
  }
}
