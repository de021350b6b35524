package io.brazier.server.operation;

import io.brazier.fhir.FhirException;
import io.brazier.server.interaction.Links;
import io.brazier.store.ImportBatch;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one writer of an import's staging, and the keeper of its cursor: it numbers the batches, stages each batch
 * (encoded by the thread that read it) in one transaction with the placeholders that references made since the batch
 * before and with the cursor that says where the run will resume, so that a batch is staged wholly or not at all.
 */
final class ImportStager {
  private final Jobs.Run run;
  private final ImportRequest request;
  private final Imports imports;
  private final ImportLines lines;
  private final Links.Context context;
  private final Set<String> placed = ConcurrentHashMap.newKeySet();
  private final AtomicLong placeholders;
  private volatile ImportRun.Cursor cursor;
  private int nextBatch;

  ImportStager(Jobs.Run run, ImportRequest request, Imports imports, ImportLines lines, Links.Context context,
      ImportRun.Cursor cursor) {
    this.run = run;
    this.request = request;
    this.imports = imports;
    this.lines = lines;
    this.context = context;
    this.cursor = cursor;
    this.nextBatch = cursor.batch();
    this.placeholders = new AtomicLong(cursor.placeholders());
  }

  /**
   * A batch read, checked and encoded, with the cursor that its staging records, how many lines it read and how
   * many of them failed.
   */
  record Batch(int number, Imports.Encoded encoded, ImportRun.Cursor cursor, long lines, long failures) {
    /** A batch of no input's lines (the checks'). */
    Batch(int number, Imports.Encoded encoded, ImportRun.Cursor cursor, long lines) {
      this(number, encoded, cursor, lines, 0);
    }
  }

  ImportRun.Cursor cursor() {
    return cursor;
  }

  /** Takes the next batch number. */
  int takeBatch() {
    return nextBatch++;
  }

  /** The number the next batch will take. */
  int batches() {
    return nextBatch;
  }

  long placeholders() {
    return placeholders.get();
  }

  /** Records that the run moved on (a phase or an input done) and renews the job's lease. */
  void advance(ImportRun.Cursor next) {
    cursor = next;
    run.progress(next.read(), null, JobJson.write(next));
  }

  /**
   * Batch {@code number} of these reads, encoded for staging on the caller's thread; {@code redone}: the deferred
   * lines it handles.
   */
  Imports.Encoded encode(int number, List<ImportLines.Read> reads, List<Long> redone) {
    List<ImportLine> staged = new ArrayList<>();
    List<ImportBatch.Deferred> deferred = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (ImportLines.Read read : reads) {
      if (read.line() != null) {
        staged.add(read.line());
      } else if (read.deferred() != null) {
        deferred.add(read.deferred());
      } else {
        failures.add(read.failure());
      }
    }
    return imports.encode(run.id(), new ImportBatch(number, staged, deferred, failures, redone));
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

  /**
   * Stages a batch with its cursor and the placeholders made until now (taken here, by the one writer, so that the
   * cursor counts exactly the placeholders staged); a runner that lost its job stops.
   */
  void stage(Batch batch) {
    List<Imports.Encoded> parts = new ArrayList<>(List.of(batch.encoded()));
    List<ImportLines.Read> made = placeholderLines();
    if (!made.isEmpty()) {
      parts.add(encode(batch.number(), made, List.of()));
    }
    ImportRun.Cursor at = batch.cursor();
    ImportRun.Cursor next = new ImportRun.Cursor(at.phase(), at.position(), at.line(), at.batch(),
        placeholders.get(), cursor.read() + batch.lines(), at.etag(), cursor.failed() + batch.failures());
    if (imports.stage(parts, run.heartbeat(next.read(), null, JobJson.write(next)))) {
      cursor = next;
    } else {
      run.lost();
    }
  }

  /** An input that could not be read (further): one failure, at the line where it broke off. */
  void fail(int input, long line, FhirException e) {
    ImportRequest.Input spec = request.inputs().get(input);
    Failure failure = lines.failure(ImportLine.seq(input, line), spec.url(), e);
    int number = takeBatch();
    stage(new Batch(number, imports.encode(run.id(), new ImportBatch(number, List.of(), List.of(), List.of(failure),
        List.of())), new ImportRun.Cursor("stage", cursor.position(), cursor.line(), number + 1, 0, 0,
        cursor.etag(), 0), 0, 1));
  }
}
