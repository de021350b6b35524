package io.brazier.server.export;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.DateRange;
import io.brazier.server.operation.JobJson;
import io.brazier.server.operation.Jobs;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an export job: its steps in order ({@link Step}), from where the cursor says. Lines go to the files as
 * the store serves them; about every second the files are synced and the cursor recorded with the job (which renews
 * its lease), so that a run that takes over (this node restarted, or another) truncates each file to what was synced
 * and scans on from there: every resource lands exactly once. The scans are as of one change sequence and run in a
 * fixed order, so a run that takes over writes exactly the lines the lost run would have.
 */
final class ExportRun {
  private static final Logger log = LoggerFactory.getLogger(ExportRun.class);
  /** How many referenced ids one scan looks up. */
  private static final int IDS_PER_SCAN = 1000;
  /**
   * How many types the store reads at once, ahead of the writing: two keep PostgreSQL reading one type while the
   * run writes another; more only help a store with more cores than this writer can keep up with.
   */
  private static final int READERS = 2;
  /** How many pages of the type being written are always read ahead of the writing, whatever the budget. */
  private static final int PAGES_AHEAD = 2;
  /**
   * How many bytes of pages an export run reads ahead of its writing: an eighth of the heap, at most 256 MB (the
   * whole of the largest types of a set such as Synthea's), so that the next types are read while a long one is
   * written; the same for any size of data.
   */
  static final long READ_AHEAD_BYTES = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);

  private final ExportParts parts;
  private final Jobs.Run run;
  private final ExportRequest request;
  private final Elements elements;
  private final ExportFolder folder;
  private final Output output;
  /** The step this run started at: its read-ahead holds the scans of the resource steps from there on. */
  private final int first;
  private long lastSync = System.nanoTime();
  private int step;
  private String scan;
  private int chunk;
  private long done;
  private long stepDone;
  private Long stepTotal;

  private ExportRun(ExportParts parts, Jobs.Run run, ExportRequest request, ExportCursor cursor, ExportFolder folder,
      Output output) {
    this.parts = parts;
    this.run = run;
    this.request = request;
    this.elements = new Elements(parts.fhir(), request.elements());
    this.folder = folder;
    this.output = output;
    this.step = cursor.step();
    this.first = cursor.step();
    this.scan = cursor.scan();
    this.chunk = cursor.chunk();
    this.done = cursor.done();
    this.stepDone = cursor.stepDone();
    this.stepTotal = cursor.stepTotal();
  }

  /** Takes the job up where its cursor says; from the start when the files it names are not there. */
  static ExportRun start(ExportParts parts, Jobs.Run run) {
    ExportRequest request = JobJson.read(run.request(), ExportRequest.class);
    ExportCursor cursor = run.cursor() == null ? ExportCursor.START : JobJson.read(run.cursor(), ExportCursor.class);
    ExportFolder folder = ExportFolder.of(request, run.id(), parts.config().container());
    String attempt = UUID.randomUUID().toString().substring(0, 8);
    try {
      return new ExportRun(parts, run, request, cursor, folder, output(parts, folder, attempt, cursor));
    } catch (ExportStorage.CannotResume e) {
      log.warn("Export starts again from the beginning job={}: {}", run.id(), e.getMessage());
      parts.storage().delete(folder);
      return new ExportRun(parts, run, request, ExportCursor.START, folder,
          output(parts, folder, attempt, ExportCursor.START));
    }
  }

  private static Output output(ExportParts parts, ExportFolder folder, String attempt, ExportCursor cursor) {
    return new Output(parts.storage(), folder, attempt, parts.config().fileMaxBytes(), cursor.output());
  }

  /** Runs the remaining steps; the result, or null when the run stopped before the end. */
  ExportResult run() {
    List<Step> steps = Step.of(request);
    try (output; ReadAhead ahead = readAhead(steps)) {
      // A cursor is recorded only where an empty scan means "from the start of this step (or chunk)": after a step
      // ends, with the next one; never with the last page of a scan, which a run taking over would read again.
      while (step < steps.size()) {
        if (!run(steps.get(step), ahead)) {
          return null;
        }
        next();
        if (!sync()) {
          return null;
        }
      }
      List<FileState> files = output.finish();
      parts.storage().keepOnly(folder, files.stream().map(FileState::name).collect(Collectors.toSet()));
      return new ExportResult(transactionTime(), request.request(), files);
    } catch (IllegalArgumentException e) {
      throw new FhirException(500, IssueType.EXCEPTION, "The export could not read the data as of its start: "
          + e.getMessage());
    }
  }

  /** The scans of the resource steps from the run's first step on, being read. */
  private ReadAhead readAhead(List<Step> steps) {
    List<AsOfScan> scans = new ArrayList<>();
    for (int i = step; i < steps.size() && steps.get(i).kind() == Step.Kind.RESOURCES; i++) {
      scans.add(parts.scans().of(request, steps.get(i).type(), i == step ? scan : null));
    }
    return reading(scans, READERS);
  }

  private ReadAhead reading(List<AsOfScan> scans, int readers) {
    return new ReadAhead(scans, page -> parts.store().scan(page, parts.search()), readers, PAGES_AHEAD,
        READ_AHEAD_BYTES, "brazier-export-read-" + run.id());
  }

  private void next() {
    step++;
    scan = null;
    chunk = 0;
    stepDone = 0;
    stepTotal = null;
  }

  private boolean run(Step current, ReadAhead ahead) {
    return switch (current.kind()) {
      case RESOURCES -> resources(current.type(), ahead);
      case REFERENCED -> referenced(current.type());
      case PROVENANCE -> provenance(current.type());
      case DELETED -> deleted(current.type());
      case ERRORS -> errors();
    };
  }

  private boolean resources(String type, ReadAhead ahead) {
    int index = step - first;
    AsOfScan start = ahead.scan(index);
    return start == null || drain(type, start, () -> ahead.next(index));
  }

  /** Writes a scan's pages, which start with {@code start}; false when the run stopped. */
  private boolean drain(String type, AsOfScan start, Supplier<ScanPage> pages) {
    if (stepTotal == null) {
      stepTotal = parts.estimate(start);
    }
    while (true) {
      ScanPage page = pages.get();
      for (ResourceVersion version : page.versions()) {
        output.write(type, elements.all() ? version.json() : elements.apply(type, version.json()));
      }
      counted(page.versions().size());
      if (page.next() == null) {
        scan = null;
        return true;
      }
      scan = page.next().encode();
      if (!sync()) {
        return false;
      }
    }
  }

  private boolean referenced(String type) {
    output.finishOpen(); // the files it reads back are finished
    return byIds(type, ReferencedIds.read(parts.storage(), folder, output.finished(request.types()), type));
  }

  /** The Provenance of every resource exported so far (those of other types, and the referenced ones). */
  private boolean provenance(String type) {
    output.finishOpen();
    List<String> targets = Stream.concat(request.types().stream(), request.referenced().stream())
        .filter(exported -> !exported.equals(type)).toList();
    return byIds(type, ProvenanceIds.read(parts, request, folder, output.finished(targets)));
  }

  /** Writes the resources of {@code type} among {@code ids}, a chunk at a time; false when the run stopped. */
  private boolean byIds(String type, List<String> ids) {
    stepTotal = (long) ids.size();
    while (chunk * IDS_PER_SCAN < ids.size()) {
      List<String> some = ids.subList(chunk * IDS_PER_SCAN, Math.min(ids.size(), (chunk + 1) * IDS_PER_SCAN));
      AsOfScan chunkScan = parts.scans().ofIds(request, type, some, scan);
      try (ReadAhead ahead = reading(List.of(chunkScan), 1)) {
        if (!drain(type, chunkScan, () -> ahead.next(0))) {
          return false;
        }
      }
      chunk++;
      scan = null;
      if (!sync()) {
        return false;
      }
    }
    return true;
  }

  private boolean deleted(String type) {
    Instant since = Instant.ofEpochMilli(DateRange.parse(request.since()).lo());
    Instant until = request.until() == null ? Instant.MAX : Instant.ofEpochMilli(DateRange.parse(request.until()).hi())
        .plus(999, ChronoUnit.MICROS);
    Set<String> patients = request.deletionPatients();
    do {
      ScanPage page = parts.store().deletions(type, request.sequence(), since,
          scan == null ? null : ScanCursor.decode(scan), parts.config().page());
      List<ResourceVersion> kept = page.versions().stream().filter(v -> !v.lastUpdated().isAfter(until)).toList();
      if (request.level() != ExportRequest.Level.SYSTEM) {
        kept = inCompartments(kept, patients);
      }
      if (!kept.isEmpty()) {
        output.write(FileState.DELETED, Deletions.bundle(kept));
      }
      counted(kept.size());
      // Pages go in lastUpdated order: past _until, the rest is too.
      boolean past = !page.versions().isEmpty()
          && page.versions().get(page.versions().size() - 1).lastUpdated().isAfter(until);
      scan = page.next() == null || past ? null : page.next().encode();
      if (scan != null && !sync()) {
        return false;
      }
    } while (scan != null);
    return true;
  }

  /**
   * The deletions of resources that were in the compartments of the export's patients (any patient: null), and
   * that the submitting caller could reach.
   */
  private List<ResourceVersion> inCompartments(List<ResourceVersion> deletions, Set<String> patients) {
    List<Set<String>> owners = parts.store().patientCompartments(deletions, parts.search());
    List<ResourceVersion> kept = new ArrayList<>();
    for (int i = 0; i < deletions.size(); i++) {
      Set<String> of = owners.get(i);
      boolean reached = request.restriction() == null || request.restriction().reaches(of);
      if (reached && (patients == null ? !of.isEmpty() : of.stream().anyMatch(patients::contains))) {
        kept.add(deletions.get(i));
      }
    }
    return kept;
  }

  private boolean errors() {
    for (ExportRequest.Issue issue : request.issues()) {
      output.write(FileState.ERROR, parts.outcome(issue));
    }
    counted(request.issues().size());
    return true;
  }

  private void counted(int lines) {
    done += lines;
    stepDone += lines;
  }

  /** Syncs the files and records the cursor, once {@code sync} has passed since the last time; false to stop. */
  private boolean sync() {
    if (System.nanoTime() - lastSync >= parts.config().sync().toNanos()) {
      Output.Files files = output.sync();
      run.progress(done, null, JobJson.write(new ExportCursor(step, scan, chunk, files.finished(), files.open(),
          done, stepDone, stepTotal)));
      lastSync = System.nanoTime();
    }
    return !run.stopped();
  }

  /**
   * The instant the export is as of: when it was asked for, or, if a write stamped before then committed after the
   * export's sequence (a late commit), just before that write, so that an export {@code _since} this instant
   * misses nothing.
   */
  private String transactionTime() {
    Instant asked = Instant.parse(request.transactionTime());
    Instant late = parts.store().firstChangeAfter(request.sequence()).map(at -> at.minus(1, ChronoUnit.MICROS))
        .orElse(asked);
    return (late.isBefore(asked) ? late : asked).toString();
  }
}
