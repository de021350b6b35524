package io.brazier.server.operation;

import io.brazier.server.interaction.Links;
import io.brazier.server.interaction.References;
import io.brazier.store.Imports;
import io.brazier.store.Imports.Staging;
import io.brazier.store.Job;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an import job, from where its cursor says to its end, or until it is stopped (cancelled, taken over,
 * or this node shuts down). Phases, each resumable: {@code stage} reads the inputs ({@link ImportReader}) into
 * batches that one writer stages with the cursor ({@link ImportStager}); {@code defer} and {@code check} need the
 * whole import staged ({@link ImportChecks}); {@code merge} merges batch by batch, each batch once
 * ({@link ImportMerger}); {@code index} builds the search indexes dropped for a bulk import. Staging lost in a
 * database crash is staged again from the start: merged lines are then skipped as held.
 */
final class ImportRun {
  private static final Logger log = LoggerFactory.getLogger(ImportRun.class);
  /** Batches merged at once, and indexes built at once: each a database connection, and a core of its own. */
  private static final int PARALLEL = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
  private static final List<String> PHASES = List.of("stage", "defer", "check", "merge", "index");

  /**
   * Where a run got to: the phase; while staging, the input (its place in the reading order), its lines staged and
   * the ETag of the version they were read from (null if it has none), which a read again from there must still
   * have, and how many of those lines failed ({@code --max-import-errors} bounds them); the next batch's number and
   * placeholder line, and how many lines were read in all.
   */
  record Cursor(String phase, int position, long line, int batch, long placeholders, long read, String etag,
      long failed) {
    static final Cursor START = new Cursor("stage", 0, 0, 0, 0, 0);

    /** A cursor at the start of an input, or past staging: no input being read. */
    Cursor(String phase, int position, long line, int batch, long placeholders, long read) {
      this(phase, position, line, batch, placeholders, read, null, 0);
    }

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
  private final ImportReader.Limits limits;

  ImportRun(Jobs.Run run, Jobs jobs, ImportRequest request, Imports imports, ImportSources sources,
      ImportLines lines, References references, Links.Context context, List<Integer> order,
      ImportReader.Limits limits) {
    this.run = run;
    this.jobs = jobs;
    this.request = request;
    this.imports = imports;
    this.sources = sources;
    this.lines = lines;
    this.references = references;
    this.context = context;
    this.order = order;
    this.limits = limits;
  }

  /** Runs the job to its end; returns its manifest, or null when it stopped first. */
  byte[] run() {
    ImportStager stager = new ImportStager(run, request, imports, lines, context, start());
    ImportLease lease = new ImportLease(run, stager);
    ImportChecks checks = new ImportChecks(run, request, imports, lines, references, context, stager, lease);
    List<Runnable> phases = List.of(new ImportReader(run, request, sources, lines, stager, order, limits)::read,
        checks::defer, checks::check, new ImportMerger(run, request, imports, lines, stager, PARALLEL)::merge,
        () -> lease.during(() -> imports.restoreIndexes(run.id(), PARALLEL)));
    try {
      for (int i = PHASES.indexOf(stager.cursor().phase()); i < phases.size() && !run.stopped(); i++) {
        log.info("Import phase={} id={} linesRead={}", PHASES.get(i), run.id(), stager.cursor().read());
        phases.get(i).run();
        if (!run.stopped() && i + 1 < PHASES.size()) {
          stager.advance(stager.cursor().in(PHASES.get(i + 1)));
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
    byte[] manifest = ImportManifest.of(request, run.id(), imports, false);
    imports.close(run.id());
    return manifest;
  }

  /**
   * Opens the job's staging and says where to start: at the cursor, or (a first run) at the start, after checking
   * that an InitialLoad's types are empty and dropping the search indexes of an empty store; again from the start
   * when a crash of the database emptied the staging.
   */
  private Cursor start() {
    Staging staging = imports.open(run.id());
    if (run.cursor() == null) {
      if (request.mode() == ImportRequest.Mode.INITIAL_LOAD) {
        Import.checkEmpty(imports, request);
      }
      if (imports.dropIndexes(run.id())) {
        log.info("Import into an empty store: search indexes are built in bulk once merged id={}", run.id());
      }
      return Cursor.START;
    }
    Cursor cursor = JobJson.read(run.cursor(), Cursor.class);
    if (staging == Staging.LOST) {
      log.warn("Import staging was lost (database crash), staging again id={}", run.id());
      return new Cursor("stage", 0, 0, cursor.batch(), cursor.placeholders(), 0);
    }
    return cursor;
  }

  private void restoreIndexes() {
    try {
      imports.restoreIndexes(run.id(), PARALLEL);
    } catch (RuntimeException e) {
      log.error("Could not build the search indexes of import id={}; the next import or start builds them",
          run.id(), e);
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
