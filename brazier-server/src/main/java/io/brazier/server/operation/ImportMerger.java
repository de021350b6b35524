package io.brazier.server.operation;

import io.brazier.fhir.FhirException;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
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
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The {@code merge} phase: merges the staged batches not merged yet, each in its own transaction with the job's
 * progress, several at once (the lines of one resource are all in one batch, so batches merged side by side never
 * wait for each other). A batch is merged at most once, whatever runner resumes. A line that the merge refuses (its
 * version contradicts another, or is stored with other content) fails with it, naming its input and line.
 */
final class ImportMerger {
  private final Jobs.Run run;
  private final ImportRequest request;
  private final Imports imports;
  private final ImportLines lines;
  private final ImportStager stager;
  private final int parallel;

  /** @param parallel batches merged at once: each a database connection, and a core of its own */
  ImportMerger(Jobs.Run run, ImportRequest request, Imports imports, ImportLines lines, ImportStager stager,
      int parallel) {
    this.run = run;
    this.request = request;
    this.imports = imports;
    this.lines = lines;
    this.stager = stager;
    this.parallel = parallel;
  }

  void merge() {
    List<Integer> batches = imports.unmerged(run.id());
    long before = imports.merged(run.id()); // by a run that stopped while merging: the count goes on from there
    long total = before + batches.size();
    String cursor = JobJson.write(stager.cursor());
    run.progress(before, total, cursor);
    AtomicLong done = new AtomicLong(before);
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
                run.heartbeat(done.incrementAndGet(), total, cursor), this::failure);
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

  /** The failure of a line that the merge refuses (a line with a version: never a placeholder). */
  private Failure failure(Imports.Refused refused) {
    return lines.failure(refused.seq(), request.inputs().get(ImportLine.input(refused.seq())).url(),
        refused.conflict() ? FhirException.conflict(refused.reason())
            : new FhirException(400, IssueType.BUSINESSRULE, refused.reason()));
  }

  private static void join(List<CompletableFuture<Void>> tasks) {
    try {
      CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }
}
