package io.brazier.server.operation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.HttpUrls;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.Body;
import io.brazier.server.http.ETags;
import io.brazier.store.ImportLine;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code stage} phase: reads the inputs in their reading order ({@link ImportRequest#readingOrder}: master data
 * first), in batches of lines that readers, one per core ({@link ImportReaders}), read, check ({@link ImportLines})
 * and encode for staging, a batch each, while the one writer ({@link ImportStager}) stages the batches in order.
 * An input whose read fails is read again from where it broke off; one that cannot be read (further) fails at that
 * line, and the rest of the import goes on. An input whose lines failed {@code --max-import-errors} times is read no
 * further, so that a file of garbage does not fill the database with an OperationOutcome a line: its lines are
 * counted as they are staged, a batch at a time, so the input stops at the end of the batch that reached the bound.
 */
final class ImportReader {
  private static final Logger log = LoggerFactory.getLogger(ImportReader.class);
  private static final int BATCH_LINES = 1000;
  private static final int BATCH_BYTES = 8 << 20;
  /**
   * The most bytes of lines that the batches in flight hold between them ({@link ImportReaders}), a 64th of the heap
   * (16 MB of 1 GB). A line being read takes tens of times its bytes (its tree, its model, its index rows: a line of
   * 170,000 given names, 1.6 MB, took up to some 200 MB), so that a few huge lines read side by side would fill the
   * heap; held to this, they are read one after another, while the batches of ordinary lines (1,000 Synthea lines
   * are 2 MB) stay under it, readers and waiting batches together, on a few cores.
   */
  private static final long IN_FLIGHT_BYTES = Runtime.getRuntime().maxMemory() / 64;
  private static final int READ_ATTEMPTS = 3;
  /** Readers of batches: one per core, as reading (parse, check, index) is most of an import's work in the JVM. */
  private static final int READERS = Runtime.getRuntime().availableProcessors();

  private final Jobs.Run run;
  private final ImportRequest request;
  private final ImportSources sources;
  private final ImportLines lines;
  private final ImportStager stager;
  private final List<Integer> order;
  private final int maxLineBytes;
  private final int maxErrors;

  /** How much of an input is read: a line of at most {@code lineBytes}, and lines until {@code errors} failed. */
  record Limits(int lineBytes, int errors) {}

  ImportReader(Jobs.Run run, ImportRequest request, ImportSources sources, ImportLines lines, ImportStager stager,
      List<Integer> order, Limits limits) {
    this.run = run;
    this.request = request;
    this.sources = sources;
    this.lines = lines;
    this.stager = stager;
    this.order = order;
    this.maxLineBytes = limits.lineBytes();
    this.maxErrors = limits.errors();
  }

  /** Reads every input from where the cursor says, recording each input read to its end. */
  void read() {
    for (int position = stager.cursor().position(); position < order.size() && !run.stopped(); position++) {
      int input = order.get(position);
      Set<String> unread = new HashSet<>();
      order.subList(position, order.size()).forEach(i -> unread.add(request.inputs().get(i).type()));
      readInput(input, position, unread);
      if (!run.stopped()) {
        stager.advance(new ImportRun.Cursor("stage", position + 1, 0, stager.batches(),
            stager.placeholders(), stager.cursor().read()));
      }
    }
  }

  /**
   * Reads one input to its end, again from where it broke off when a read fails (three attempts, a second apart and
   * then two).
   */
  private void readInput(int input, int position, Set<String> unread) {
    ImportRequest.Input spec = request.inputs().get(input);
    for (int attempt = 1; !run.stopped(); attempt++) {
      ImportRun.Cursor cursor = stager.cursor();
      long from = cursor.position() == position ? cursor.line() : 0;
      if (failedTooOften()) { // staged before a read failed, or before the run was stopped
        failTooOften(input);
        return;
      }
      try {
        ImportSources.Opened opened = open(spec, from, cursor.etag());
        InputStream body = new RenewingInput(opened.body(), () -> stager.advance(stager.cursor()), run::stopped);
        try (NdjsonLines reader = new NdjsonLines(ImportSources.decoded(body), maxLineBytes)) {
          readLines(reader, input, position, from, unread, opened.etag());
        }
        return;
      } catch (FhirException e) {
        stager.fail(input, from + 1, e);
        return;
      } catch (EOFException e) {
        long line = stager.cursor().line();
        stager.fail(input, line + 1, FhirException.invalid("The input ended in the middle of its gzip stream, "
            + after(line) + "."));
        return;
      } catch (IOException e) {
        if (run.stopped()) {
          return; // cancelled or taken over while reading: not the input's failure
        }
        log.warn("Import input read failed id={} input={} attempt={}: {}", run.id(), HttpUrls.redacted(spec.url()),
            attempt, e.getMessage());
        if (attempt == READ_ATTEMPTS) {
          long line = stager.cursor().line();
          stager.fail(input, line + 1, new FhirException(400, IssueType.EXCEPTION, "The input could not be read "
              + after(line) + ": " + ImportSources.reason(e)));
          return;
        }
        LockSupport.parkNanos(Duration.ofSeconds(attempt).toNanos()); // a source that is busy gets a moment
      }
    }
  }

  /**
   * The input opened to be read after line {@code from}: when lines of it are staged, still the version they were
   * read from ({@code staged}, its ETag), so that a read again (a retry, a job resumed) does not go on with the lines
   * of another version.
   */
  private ImportSources.Opened open(ImportRequest.Input spec, long from, String staged) throws IOException {
    ImportSources.Opened opened = sources.source(spec.url()).open(spec.etag());
    if (from > 0 && staged != null && !ETags.same(staged, opened.etag())) {
      opened.body().close();
      throw FhirException.preconditionFailed("The input changed while it was read: lines 1 to " + from + " are of"
          + " its version with ETag " + staged + ", and it now has " + (opened.etag() == null ? "no ETag"
              : "ETag " + opened.etag()) + "; the lines after line " + from + " are not imported.");
    }
    return opened;
  }

  /**
   * Reads lines after {@code from} in batches, each read, checked and encoded by a reader while others are staged;
   * {@code etag}: the version read.
   */
  private void readLines(NdjsonLines reader, int input, int position, long from, Set<String> unread, String etag)
      throws IOException {
    List<NdjsonLines.Line> chunk = new ArrayList<>();
    long bytes = 0;
    long notNdjson = 0;
    // Set once a staged batch takes the input's failures to --max-import-errors: nothing after it is staged, and
    // skipped says whether there was anything after it.
    boolean failedTooOften = false;
    boolean skipped = false;
    try (ImportReaders<ImportStager.Batch> readers = new ImportReaders<>(READERS, IN_FLIGHT_BYTES)) {
      try {
        // An input whose first two lines are no JSON object is not NDJSON at all (pretty-printed JSON, CSV, a header):
        // it fails once, at its first line, saying so, and is not read further. A bad first line before good ones
        // fails alone. The first line waits in the chunk until the second says which.
        int badStart = from == 0 ? 0 : -1;
        for (NdjsonLines.Line line = reader.next(); line != null && !run.stopped(); line = reader.next()) {
          if (failedTooOften) {
            skipped = true;
            break;
          }
          if (line.number() <= from) {
            continue;
          }
          if (badStart >= 0 && !line.tooLong() && !isJsonObject(line.bytes())) {
            if (++badStart == 2) {
              notNdjson = chunk.remove(0).number();
              break;
            }
          } else {
            badStart = -1;
          }
          chunk.add(line);
          bytes += line.tooLong() ? maxLineBytes : line.bytes().length;
          if (badStart != 1 && (chunk.size() == BATCH_LINES || bytes >= BATCH_BYTES)) {
            readers.submit(batch(input, position, chunk, unread, etag), bytes);
            chunk = new ArrayList<>();
            bytes = 0;
            while (readers.full() && !failedTooOften) {
              stager.stage(readers.next());
              failedTooOften = failedTooOften();
            }
          }
        }
      } finally {
        // What was read before a read failed is staged all the same; a retry starts after it.
        if (!chunk.isEmpty() && !run.stopped()) {
          readers.submit(batch(input, position, chunk, unread, etag), bytes);
        }
        while (!readers.isEmpty()) {
          ImportStager.Batch batch = readers.next();
          if (run.stopped()) {
            continue;
          }
          if (failedTooOften) {
            skipped = true;
          } else {
            stager.stage(batch);
            failedTooOften = failedTooOften();
          }
        }
      }
    }
    if (skipped) {
      failTooOften(input);
    }
    if (notNdjson > 0) {
      stager.fail(input, notNdjson, FhirException.invalid("The input is not NDJSON (a JSON resource a line): neither"
          + " its first line nor the next is a JSON object, so it was not read further."));
    }
  }

  /** Whether the lines of the input being read, as staged so far, failed {@code --max-import-errors} times. */
  private boolean failedTooOften() {
    return stager.cursor().failed() >= maxErrors;
  }

  /**
   * Ends the input being read, which failed too often, with a failure after its last line staged that says so: its
   * input's failures and its lines imported are then exactly those of the lines staged.
   */
  private void failTooOften(int input) {
    ImportRun.Cursor cursor = stager.cursor();
    stager.fail(input, cursor.line() + 1, new FhirException(400, IssueType.TOOCOSTLY, cursor.failed() + " lines of"
        + " the first " + cursor.line() + " failed, which reaches --max-import-errors " + maxErrors + ", so the input"
        + " was not read further: its lines after line " + cursor.line() + " are not imported."));
  }

  private static boolean isJsonObject(byte[] line) {
    try {
      return Body.read(line) instanceof ObjectNode;
    } catch (FhirException e) {
      return false;
    }
  }

  /** The reading of a chunk of lines into a batch, its lines in order: for a reader. */
  private Callable<ImportStager.Batch> batch(int input, int position, List<NdjsonLines.Line> chunk,
      Set<String> unread, String etag) {
    int number = stager.takeBatch();
    ImportRequest.Input spec = request.inputs().get(input);
    long last = chunk.get(chunk.size() - 1).number();
    return () -> {
      List<ImportLines.Read> reads = new ArrayList<>(chunk.size());
      for (NdjsonLines.Line line : chunk) {
        long seq = ImportLine.seq(input, line.number());
        reads.add(line.tooLong() ? new ImportLines.Read(null, null, lines.failure(seq, spec.url(),
            FhirException.tooLarge("The line is longer than " + maxLineBytes + " bytes (--max-body-bytes).")))
            : lines.read(seq, spec.type(), spec.url(), line.bytes(), unread));
      }
      long failures = reads.stream().filter(read -> read.failure() != null).count();
      return new ImportStager.Batch(number, stager.encode(number, reads, List.of()), new ImportRun.Cursor("stage",
          position, last, number + 1, 0, 0, etag, 0), chunk.size(), failures);
    };
  }

  /** Where reading stopped, {@code line} lines into an input. */
  private static String after(long line) {
    return line == 0 ? "before its first line" : "after line " + line;
  }
}
