package io.brazier.server.operation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.Body;
import io.brazier.server.interaction.Links;
import io.brazier.server.interaction.References;
import io.brazier.store.ImportBatch;
import io.brazier.store.ImportBatch.Dangling;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import io.brazier.store.Imports.Staging;
import io.brazier.store.Job;
import io.brazier.store.Write;
import java.io.EOFException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an import job, from where its cursor says to its end, or until it is stopped (cancelled, taken over,
 * or this node shuts down). Phases, each resumable: {@code stage} reads the inputs, master data first
 * ({@link ImportRequest#readingOrder}), in batches that are read and checked in parallel while the batch before is
 * staged, each staged with the cursor (input and line) in one transaction; {@code defer} reads the lines that waited
 * for unread inputs; {@code check} supersedes duplicates and fails (or gives placeholders to) the lines whose
 * references name nothing, whole import and store together; {@code merge} merges batch by batch, each batch once.
 * Staging lost in a database crash is staged again from the start: merged lines are then skipped as held.
 */
final class ImportRun {
  private static final Logger log = LoggerFactory.getLogger(ImportRun.class);
  private static final int BATCH_LINES = 1000;
  private static final int BATCH_BYTES = 8 << 20;
  private static final int READ_ATTEMPTS = 3;
  private static final long LEASE_RENEWAL_MILLIS = 5_000;
  /** Batches merged at once, and indexes built at once: each a database connection, and a core of its own. */
  private static final int PARALLEL = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /**
   * Where a run got to: the phase; while staging, the input (its place in the reading order) and its lines staged;
   * the next batch's number and placeholder line, and how many lines were read in all.
   */
  record Cursor(String phase, int position, long line, int batch, long placeholders, long read) {
    static final Cursor START = new Cursor("stage", 0, 0, 0, 0, 0);

    Cursor in(String newPhase) {
      return new Cursor(newPhase, position, line, batch, placeholders, read);
    }
  }

  private final Jobs.Run run;
  private final Jobs jobs;
  private final ImportRequest request;
  private final Imports imports;
  private final ImportSources sources;
  private final ImportLines lines;
  private final References references;
  private final Links.Context context;
  private final List<Integer> order;
  private final int maxLineBytes;
  private final Set<String> placed = ConcurrentHashMap.newKeySet();
  private final AtomicLong placeholders = new AtomicLong();
  private Cursor cursor;
  private int nextBatch;

  ImportRun(Jobs.Run run, Jobs jobs, ImportRequest request, Imports imports, ImportSources sources,
      ImportLines lines, References references, Links.Context context, List<Integer> order, int maxLineBytes) {
    this.run = run;
    this.jobs = jobs;
    this.request = request;
    this.imports = imports;
    this.sources = sources;
    this.lines = lines;
    this.references = references;
    this.context = context;
    this.order = order;
    this.maxLineBytes = maxLineBytes;
  }

  /** Runs the job to its end; returns its manifest, or null when it stopped first. */
  byte[] run() {
    Staging staging = imports.open(run.id());
    cursor = run.cursor() == null ? Cursor.START : JobJson.read(run.cursor(), Cursor.class);
    if (run.cursor() == null) {
      if (request.mode() == ImportRequest.Mode.INITIAL_LOAD) {
        Import.checkEmpty(imports, request);
      }
      if (imports.dropIndexes(run.id())) {
        log.info("Import into an empty store: search indexes are built in bulk once merged id={}", run.id());
      }
    }
    if (staging == Staging.LOST && run.cursor() != null) {
      log.warn("Import staging was lost (database crash), staging again id={}", run.id());
      cursor = new Cursor("stage", 0, 0, cursor.batch(), cursor.placeholders(), 0);
    }
    nextBatch = cursor.batch();
    placeholders.set(cursor.placeholders());
    List<Runnable> phases = List.of(this::stage, this::defer, this::check, this::merge, this::index);
    List<String> names = List.of("stage", "defer", "check", "merge", "index");
    try {
      for (int i = names.indexOf(cursor.phase()); i < phases.size() && !run.stopped(); i++) {
        phases.get(i).run();
        if (!run.stopped() && i + 1 < names.size()) {
          advance(cursor.in(names.get(i + 1)));
        }
      }
    } catch (RuntimeException e) {
      restoreIndexes(); // the job fails: the store is left searchable at full speed
      throw e;
    }
    if (run.stopped()) {
      closeIfCancelled();
      return null;
    }
    byte[] manifest = ImportManifest.of(request, run.id(), imports.imported(run.id()), imports.failed(run.id()),
        false);
    imports.close(run.id());
    return manifest;
  }

  private void stage() {
    for (int position = cursor.position(); position < order.size() && !run.stopped(); position++) {
      int input = order.get(position);
      Set<String> unread = new HashSet<>();
      order.subList(position, order.size()).forEach(i -> unread.add(request.inputs().get(i).type()));
      stageInput(input, position, unread);
      if (!run.stopped()) {
        advance(new Cursor("stage", position + 1, 0, nextBatch, placeholders.get(), cursor.read()));
      }
    }
  }

  /** Reads one input to its end, again from where it broke off when a read fails (three attempts). */
  private void stageInput(int input, int position, Set<String> unread) {
    ImportRequest.Input spec = request.inputs().get(input);
    for (int attempt = 1; !run.stopped(); attempt++) {
      long from = cursor.position() == position ? cursor.line() : 0;
      try (NdjsonLines reader = new NdjsonLines(ImportSources.decoded(sources.source(spec.url())
          .open(spec.etag())), maxLineBytes)) {
        readLines(reader, input, position, from, unread);
        return;
      } catch (FhirException e) {
        stageFailure(input, from + 1, e);
        return;
      } catch (EOFException e) {
        stageFailure(input, cursor.line() + 1, FhirException.invalid("The input ended in the middle of its gzip"
            + " stream, after line " + cursor.line() + "."));
        return;
      } catch (IOException e) {
        log.warn("Import input read failed id={} input={} attempt={}: {}", run.id(), spec.url(), attempt,
            e.getMessage());
        if (attempt == READ_ATTEMPTS) {
          stageFailure(input, cursor.line() + 1, new FhirException(400, IssueType.EXCEPTION, "The input could not"
              + " be read past line " + cursor.line() + ": " + e.getMessage()));
          return;
        }
      }
    }
  }

  /** Reads lines after {@code from} in batches, each read and checked while the one before is staged. */
  private void readLines(NdjsonLines reader, int input, int position, long from, Set<String> unread)
      throws IOException {
    Deque<CompletableFuture<Batch>> inFlight = new ArrayDeque<>();
    List<NdjsonLines.Line> chunk = new ArrayList<>();
    try {
      long bytes = 0;
      boolean first = from == 0;
      for (NdjsonLines.Line line = reader.next(); line != null && !run.stopped(); line = reader.next()) {
        if (line.number() <= from) {
          continue;
        }
        chunk.add(line);
        if (first && !line.tooLong() && !isJsonObject(line.bytes())) {
          break; // the input is not NDJSON at all: its first line fails, the rest is not read
        }
        first = false;
        bytes += line.tooLong() ? maxLineBytes : line.bytes().length;
        if (chunk.size() == BATCH_LINES || bytes >= BATCH_BYTES) {
          inFlight.add(submit(input, position, chunk, unread));
          chunk = new ArrayList<>();
          bytes = 0;
          while (inFlight.size() > 1) {
            stage(inFlight.poll().join());
          }
        }
      }
    } finally {
      // What was read before a read failed is staged all the same; a retry starts after it.
      if (!chunk.isEmpty() && !run.stopped()) {
        inFlight.add(submit(input, position, chunk, unread));
      }
      while (!inFlight.isEmpty()) {
        Batch batch = inFlight.poll().join();
        if (!run.stopped()) {
          stage(batch);
        }
      }
    }
  }

  private static boolean isJsonObject(byte[] line) {
    try {
      return Body.read(line) instanceof ObjectNode;
    } catch (FhirException e) {
      return false;
    }
  }

  /** A batch read and checked, with the cursor that its staging records. */
  private record Batch(ImportBatch batch, Cursor cursor, long lines) {}

  private CompletableFuture<Batch> submit(int input, int position, List<NdjsonLines.Line> chunk,
      Set<String> unread) {
    int number = nextBatch++;
    ImportRequest.Input spec = request.inputs().get(input);
    long last = chunk.get(chunk.size() - 1).number();
    return CompletableFuture.supplyAsync(() -> {
      ImportLines.Read[] read = new ImportLines.Read[chunk.size()];
      java.util.stream.IntStream.range(0, chunk.size()).parallel().forEach(i -> {
        NdjsonLines.Line line = chunk.get(i);
        long seq = ImportLine.seq(input, line.number());
        read[i] = line.tooLong() ? new ImportLines.Read(null, null, lines.failure(seq, spec.url(),
            FhirException.tooLarge("The line is longer than " + maxLineBytes + " bytes (--max-body-bytes)."))) 
            : lines.read(seq, spec.type(), spec.url(), line.bytes(), unread);
      });
      return new Batch(batch(number, List.of(read), List.of()), new Cursor("stage", position, last, number + 1,
          0, 0), chunk.size());
    });
  }

  /** The batch of these reads, with the placeholders that their references made and no batch staged yet. */
  private ImportBatch batch(int number, List<ImportLines.Read> reads, List<Long> redone) {
    List<ImportLine> staged = new ArrayList<>();
    List<ImportBatch.Deferred> deferred = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    List<ImportLines.Read> all = new ArrayList<>(reads);
    all.addAll(placeholderLines());
    for (ImportLines.Read read : all) {
      if (read.line() != null) {
        staged.add(read.line());
      } else if (read.deferred() != null) {
        deferred.add(read.deferred());
      } else {
        failures.add(read.failure());
      }
    }
    return new ImportBatch(number, staged, deferred, failures, redone);
  }

  /** The placeholders made since the last batch, as lines of the placeholder input (after the real inputs). */
  private List<ImportLines.Read> placeholderLines() {
    List<ImportLines.Read> made = new ArrayList<>();
    for (Map.Entry<String, Write> placeholder : context.placeholders().entrySet()) {
      if (placed.add(placeholder.getKey())) {
        Write write = placeholder.getValue();
        long seq = ImportLine.seq(request.inputs().size(), placeholders.incrementAndGet());
        made.add(lines.read(seq, write.type(), "placeholder " + placeholder.getKey(), write.json(), Set.of()));
      }
    }
    return made;
  }

  private void stage(Batch batch) {
    Cursor next = new Cursor(batch.cursor().phase(), batch.cursor().position(), batch.cursor().line(),
        batch.cursor().batch(), placeholders.get(), cursor.read() + batch.lines());
    if (imports.stage(batch.batch(), run.heartbeat(next.read(), null, JobJson.write(next)))) {
      cursor = next;
    } else {
      run.lost();
    }
  }

  /** An input that could not be read (further): one failure, at the line where it broke off. */
  private void stageFailure(int input, long line, FhirException e) {
    ImportRequest.Input spec = request.inputs().get(input);
    Failure failure = lines.failure(ImportLine.seq(input, line), spec.url(), e);
    stage(new Batch(new ImportBatch(nextBatch++, List.of(), List.of(), List.of(failure), List.of()),
        new Cursor("stage", cursor.position(), cursor.line(), nextBatch, 0, 0), 0));
  }

  /** Reads the lines that waited for unread inputs: every input is read now. */
  private void defer() {
    for (List<ImportBatch.Deferred> page = imports.deferred(run.id(), BATCH_LINES); !page.isEmpty()
        && !run.stopped(); page = imports.deferred(run.id(), BATCH_LINES)) {
      List<ImportLines.Read> reads = page.parallelStream().map(waiting -> {
        ImportRequest.Input spec = request.inputs().get(ImportLine.input(waiting.seq()));
        return lines.read(waiting.seq(), waiting.type(), spec.url(), waiting.raw(), Set.of());
      }).toList();
      int number = nextBatch++;
      stage(new Batch(batch(number, reads, page.stream().map(ImportBatch.Deferred::seq).toList()),
          new Cursor("defer", cursor.position(), cursor.line(), number + 1, 0, 0), 0));
    }
  }

  /** Settles duplicates, then fails (or completes with placeholders) the lines whose references name nothing. */
  private void check() {
    withLease(() -> {
      imports.settle(run.id());
      return null;
    });
    if (!references.enforced()) {
      return;
    }
    List<Dangling> dangling = withLease(() -> imports.dangling(run.id(), null));
    while (!dangling.isEmpty() && !run.stopped()) {
      Set<String> targets = new LinkedHashSet<>();
      if (references.makesPlaceholders()) {
        dangling.forEach(reference -> targets.add(reference.reference()));
        targets.forEach(target -> references.placeholder(target, context.placeholders()));
        int number = nextBatch++;
        stage(new Batch(batch(number, List.of(), List.of()), new Cursor("check", cursor.position(),
            cursor.line(), number + 1, 0, 0), 0));
      } else {
        List<Failure> failures = new ArrayList<>();
        for (Dangling reference : dangling) {
          ImportRequest.Input spec = inputOf(reference.seq());
          failures.add(lines.failure(reference.seq(), spec == null ? "placeholder" : spec.url(),
              new FhirException(400, IssueType.NOTFOUND, "The reference " + reference.reference()
                  + " names no resource on this server nor in this import.")));
          targets.add(reference.resource());
        }
        imports.reject(run.id(), failures);
      }
      dangling = withLease(() -> imports.dangling(run.id(), targets));
    }
  }

  private ImportRequest.Input inputOf(long seq) {
    int input = ImportLine.input(seq);
    return input < request.inputs().size() ? request.inputs().get(input) : null;
  }

  /**
   * Merges the staged batches not merged yet, each in its own transaction with the job's progress, several at once
   * (the lines of one resource are all in one batch, so batches merged side by side never wait for each other).
   */
  private void merge() {
    List<Integer> batches = imports.unmerged(run.id());
    run.progress(0, (long) batches.size(), JobJson.write(cursor));
    AtomicLong done = new AtomicLong();
    Queue<Integer> queue = new ConcurrentLinkedQueue<>(batches);
    ExecutorService mergers = Executors.newFixedThreadPool(PARALLEL, runnable -> {
      Thread thread = new Thread(runnable, "brazier-import-merge");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int i = 0; i < PARALLEL; i++) {
        running.add(CompletableFuture.runAsync(() -> {
          for (Integer batch = queue.poll(); batch != null && !run.stopped(); batch = queue.poll()) {
            Optional<Imports.Merged> merged = imports.merge(run.id(), batch, Instant.now(),
                run.heartbeat(done.incrementAndGet(), (long) batches.size(), JobJson.write(cursor)));
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

  /** Builds the search indexes dropped for a bulk import: the job is done once they are. */
  private void index() {
    withLease(() -> {
      imports.restoreIndexes(run.id(), PARALLEL);
      return null;
    });
  }

  private void restoreIndexes() {
    try {
      imports.restoreIndexes(run.id(), PARALLEL);
    } catch (RuntimeException e) {
      log.error("Could not build the search indexes of import id={}; the next import or start builds them",
          run.id(), e);
    }
  }

  private static void join(List<CompletableFuture<Void>> tasks) {
    try {
      CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private void advance(Cursor next) {
    cursor = next;
    run.progress(next.read(), null, JobJson.write(next));
  }

  /**
   * Runs a step that may outlast the job's lease (a check over the whole import is one statement), renewing the
   * lease meanwhile; the cursor does not move during it.
   */
  private <T> T withLease(Supplier<T> step) {
    Thread renewer = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(LEASE_RENEWAL_MILLIS);
          run.progress(cursor.read(), null, JobJson.write(cursor));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "brazier-import-lease");
    renewer.setDaemon(true);
    renewer.start();
    try {
      return step.get();
    } finally {
      renewer.interrupt();
      try {
        renewer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A cancelled import stops here: its staging goes at once (what it merged stays) and the indexes it dropped are
   * built. An import whose node shuts down leaves both to the runner that resumes it.
   */
  private void closeIfCancelled() {
    if (jobs.get(run.id()).status() == Job.Status.CANCELLED) {
      imports.close(run.id());
      restoreIndexes();
    }
  }
}
