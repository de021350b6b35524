package io.brazier.server.operation;

import io.brazier.store.Imports;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code merge} phase: merges the staged batches not merged yet, each in its own transaction with the job's
 * progress, several at once (the lines of one resource are all in one batch, so batches merged side by side never
 * wait for each other). A batch is merged at most once, whatever runner resumes.
 */
final class ImportMerger {
  private final Jobs.Run run;
  private final Imports imports;
  private final ImportStager stager;
  private final int parallel;

  /** @param parallel batches merged at once: each a database connection, and a core of its own */
  ImportMerger(Jobs.Run run, Imports imports, ImportStager stager, int parallel) {
    this.run = run;
    this.imports = imports;
    this.stager = stager;
    this.parallel = parallel;
  }

  void merge() {
    List<Integer> batches = imports.unmerged(run.id());
    String cursor = JobJson.write(stager.cursor());
    run.progress(0, (long) batches.size(), cursor);
    AtomicLong done = new AtomicLong();
    Queue<Integer> queue = new ConcurrentLinkedQueue<>(batches);
    ExecutorService mergers = Executors.newFixedThreadPool(parallel, runnable -> {
      Thread thread = new Thread(runnable, "brazier-import-merge");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        running.add(CompletableFuture.runAsync(() -> {
          for (Integer batch = queue.poll(); batch != null && !run.stopped(); batch = queue.poll()) {
            Optional<Imports.Merged> merged = imports.merge(run.id(), batch, Instant.now(),
                run.heartbeat(done.incrementAndGet(), (long) batches.size(), cursor));
            if (merged.isEmpty()) {
              run.lost();
            }
          }
        }, mergers));
      }
      join(running);
    } finally {
      mergers.shutdown();
    }
  }

  private static void join(List<CompletableFuture<Void>> tasks) {
    try {
      CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }
}
