package io.brazier.server.operation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.Body;
import io.brazier.store.ImportLine;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code stage} phase: reads the inputs in their reading order ({@link ImportRequest#readingOrder}: master data
 * first), in batches of lines that readers, one per core ({@link ImportReaders}), read, check ({@link ImportLines})
 * and encode for staging, a batch each, while the one writer ({@link ImportStager}) stages the batches in order.
 * The readers go from one input to the next without waiting for the writer: only a line whose conditional
 * reference names the type of an input still being staged waits for it. An input whose read fails is read again
 * from where it broke off; one that cannot be read (further) fails at that line, and the rest of the import goes on.
 */
final class ImportReader {
  private static final Logger log = LoggerFactory.getLogger(ImportReader.class);
  private static final int BATCH_LINES = 1000;
  private static final int BATCH_BYTES = 8 << 20;
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

  ImportReader(Jobs.Run run, ImportRequest request, ImportSources sources, ImportLines lines, ImportStager stager,
      List<Integer> order, int maxLineBytes) {
    this.run = run;
    this.request = request;
    this.sources = sources;
    this.lines = lines;
    this.stager = stager;
    this.order = order;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Reads every input from where the cursor says. What the writer does comes out of the readers in order: each
   * batch staged, then, once an input's batches are, the input recorded as staged to its end.
   */
  void read() {
    try (ImportReaders<Runnable> readers = new ImportReaders<>(READERS)) {
      for (int position = stager.cursor().position(); position < order.size() && !run.stopped(); position++) {
        readInput(readers, order.get(position), position);
        int read = position;
        readers.then(() -> stager.inputStaged(read));
      }
      stageAll(readers);
    }
  }

  /** Reads one input to its end, again from where it broke off when a read fails (three attempts). */
  private void readInput(ImportReaders<Runnable> readers, int input, int position) {
    ImportRequest.Input spec = request.inputs().get(input);
    Place place = new Place(position);
    for (int attempt = 1; !run.stopped(); attempt++) {
      ImportRun.Cursor cursor = stager.cursor();
      long from = cursor.position() == position ? cursor.line() : 0;
      try (NdjsonLines reader = new NdjsonLines(ImportSources.decoded(sources.source(spec.url())
          .open(spec.etag())), maxLineBytes)) {
        readLines(readers, reader, input, place, from);
        return;
      } catch (FhirException e) {
        stageAll(readers);
        stager.fail(input, from + 1, e);
        return;
      } catch (EOFException e) {
        stageAll(readers);
        long line = stager.cursor().line();
        stager.fail(input, line + 1, FhirException.invalid("The input ended in the middle of its gzip stream, "
            + after(line) + "."));
        return;
      } catch (IOException e) {
        // What was read before the failure is staged first: a retry starts after it, and a failure names its line.
        stageAll(readers);
        log.warn("Import input read failed id={} input={} attempt={}: {}", run.id(), spec.url(), attempt,
            e.getMessage());
        if (attempt == READ_ATTEMPTS) {
          long line = stager.cursor().line();
          stager.fail(input, line + 1, new FhirException(400, IssueType.EXCEPTION, "The input could not be read "
              + after(line) + ": " + e.getMessage()));
          return;
        }
      }
    }
  }

  /** Reads lines after {@code from} in batches, each read, checked and encoded by a reader while others are staged. */
  private void readLines(ImportReaders<Runnable> readers, NdjsonLines reader, int input, Place place, long from)
      throws IOException {
    List<NdjsonLines.Line> chunk = new ArrayList<>();
    try {
      long bytes = 0;
      // An input whose first two lines are no JSON object is not NDJSON at all (pretty-printed JSON, CSV): it fails
      // at its first line and is not read further. A bad first line before good ones fails alone.
      int badStart = from == 0 ? 0 : -1;
      for (NdjsonLines.Line line = reader.next(); line != null && !run.stopped(); line = reader.next()) {
        if (line.number() <= from) {
          continue;
        }
        if (badStart >= 0 && !line.tooLong() && !isJsonObject(line.bytes())) {
          if (++badStart == 2) {
            break;
          }
        } else {
          badStart = -1;
        }
        chunk.add(line);
        bytes += line.tooLong() ? maxLineBytes : line.bytes().length;
        if (chunk.size() == BATCH_LINES || bytes >= BATCH_BYTES) {
          readers.submit(batch(input, place, chunk));
          chunk = new ArrayList<>();
          bytes = 0;
          stageReady(readers);
        }
      }
    } finally {
      // What was read before a read failed is staged all the same; a retry starts after it.
      if (!chunk.isEmpty() && !run.stopped()) {
        readers.submit(batch(input, place, chunk));
      }
    }
  }

  /** Stages the batches read, in order, and waits for the oldest while every reader is busy and others queue. */
  private void stageReady(ImportReaders<Runnable> readers) {
    while ((readers.full() || readers.ready()) && !run.stopped()) {
      readers.next().run();
    }
  }

  /**
   * Stages every batch, waiting for those being read. A run stopped meanwhile stages no more: the batches left are
   * abandoned when the readers close.
   */
  private void stageAll(ImportReaders<Runnable> readers) {
    while (!readers.isEmpty() && !run.stopped()) {
      readers.next().run();
    }
  }

  private static boolean isJsonObject(byte[] line) {
    try {
      return Body.read(line) instanceof ObjectNode;
    } catch (FhirException e) {
      return false;
    }
  }

  /** The reading of a chunk of lines into a batch, its lines in order, for a reader; then its staging. */
  private Callable<Runnable> batch(int input, Place place, List<NdjsonLines.Line> chunk) {
    int number = stager.takeBatch();
    ImportRequest.Input spec = request.inputs().get(input);
    long last = chunk.get(chunk.size() - 1).number();
    return () -> {
      List<ImportLines.Read> reads = new ArrayList<>(chunk.size());
      for (NdjsonLines.Line line : chunk) {
        long seq = ImportLine.seq(input, line.number());
        reads.add(line.tooLong() ? new ImportLines.Read(null, null, lines.failure(seq, spec.url(),
            FhirException.tooLarge("The line is longer than " + maxLineBytes + " bytes (--max-body-bytes).")))
            : lines.read(seq, spec.type(), spec.url(), line.bytes(), place));
      }
      ImportStager.Batch batch = new ImportStager.Batch(number, stager.encode(number, reads, List.of()),
          new ImportRun.Cursor("stage", place.position, last, number + 1, 0, 0), chunk.size());
      return () -> stager.stage(batch);
    };
  }

  /**
   * An input's place in the reading order, as its lines' conditional references see it: the types of the inputs
   * from it on are unread; those of the inputs before it are read, and may be still being staged.
   */
  private final class Place implements ImportLines.Inputs {
    private final int position;
    private final Set<String> unread = new HashSet<>();
    private final Map<String, Integer> lastRead = new HashMap<>();

    Place(int position) {
      this.position = position;
      for (int i = 0; i < order.size(); i++) {
        String type = request.inputs().get(order.get(i)).type();
        if (i < position) {
          lastRead.put(type, i);
        } else {
          unread.add(type);
        }
      }
    }

    @Override
    public boolean unread(String type) {
      return unread.contains(type);
    }

    @Override
    public void awaitStaged(Set<String> types) throws InterruptedException {
      int last = types.stream().mapToInt(type -> lastRead.getOrDefault(type, -1)).max().orElse(-1);
      if (last >= 0) {
        stager.awaitStaged(last);
      }
    }
  }

  /** Where reading stopped, {@code line} lines into an input. */
  private static String after(long line) {
    return line == 0 ? "before its first line" : "after line " + line;
  }
}
