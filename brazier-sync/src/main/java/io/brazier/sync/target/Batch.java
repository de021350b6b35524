package io.brazier.sync.target;

import java.util.List;

/**
 * What one transaction writes: resources (each only if it is newer than what the target has), and the bookkeeping
 * that goes with them, so that it commits or fails together with the rows it is about.
 *
 * @param source the source the items come from, for the log
 * @param replay whether a resource at the version the target has already is written again (back-fills and
 *     replays, which may follow a change of the maps); changes from the feed write only newer versions
 * @param checkpoint where the worker that wrote this stands in the feed afterwards; null for none
 * @param deadLetters changes given up on
 * @param resolved dead letters this batch applies (replayed), deleted with it
 * @param progress the back-fill step this batch is; null for none
 */
public record Batch(String source, List<Item> items, boolean replay, Checkpoint checkpoint,
    List<DeadLetter> deadLetters, List<Long> resolved, BackfillJobs.Step progress) {

  public Batch {
    items = List.copyOf(items);
    deadLetters = List.copyOf(deadLetters);
    resolved = List.copyOf(resolved);
  }

  /** A worker's position in a source's feed. */
  public record Checkpoint(String source, int worker, long sequence) {}

  /** Changes from a worker of the feed, and its position after them. */
  public static Batch changes(String source, List<Item> items, Checkpoint checkpoint, List<DeadLetter> deadLetters) {
    return new Batch(source, items, false, checkpoint, deadLetters, List.of(), null);
  }
}
