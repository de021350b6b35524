package io.brazier.server.operation;

import io.brazier.fhir.FhirException;
import io.brazier.server.interaction.Links;
import io.brazier.server.interaction.References;
import io.brazier.store.ImportBatch;
import io.brazier.store.ImportBatch.Dangling;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The phases that need the whole import staged: {@code defer} reads the lines that waited for inputs then unread (a
 * conditional reference to their types), and {@code check} supersedes duplicates, then fails the lines whose
 * references name nothing in the store nor in the import (or gives those references placeholders), and the lines
 * that needed those, until nothing changes: so the order of the inputs never matters.
 */
final class ImportChecks {
  private static final int DEFERRED_PAGE = 1000;

  private final Jobs.Run run;
  private final ImportRequest request;
  private final Imports imports;
  private final ImportLines lines;
  private final References references;
  private final Links.Context context;
  private final ImportStager stager;
  private final ImportLease lease;

  ImportChecks(Jobs.Run run, ImportRequest request, Imports imports, ImportLines lines, References references,
      Links.Context context, ImportStager stager, ImportLease lease) {
    this.run = run;
    this.request = request;
    this.imports = imports;
    this.lines = lines;
    this.references = references;
    this.context = context;
    this.stager = stager;
    this.lease = lease;
  }

  /** Reads the lines that waited for unread inputs: every input is read now. */
  void defer() {
    for (List<ImportBatch.Deferred> page = imports.deferred(run.id(), DEFERRED_PAGE); !page.isEmpty()
        && !run.stopped(); page = imports.deferred(run.id(), DEFERRED_PAGE)) {
      List<ImportLines.Read> reads = page.parallelStream().map(waiting -> {
        ImportRequest.Input spec = request.inputs().get(ImportLine.input(waiting.seq()));
        return lines.read(waiting.seq(), waiting.type(), spec.url(), waiting.raw(), Set.of());
      }).toList();
      int number = stager.takeBatch();
      ImportRun.Cursor cursor = stager.cursor();
      stager.stage(new ImportStager.Batch(number, stager.encode(number, reads, page.stream()
          .map(ImportBatch.Deferred::seq).toList()), new ImportRun.Cursor("defer", cursor.position(), cursor.line(),
          number + 1, 0, 0), 0));
    }
  }

  /** Settles duplicates, then fails (or completes with placeholders) the lines whose references name nothing. */
  void check() {
    lease.during(() -> imports.settle(run.id()));
    if (!references.enforced()) {
      return;
    }
    List<Dangling> dangling = lease.during(() -> imports.dangling(run.id(), null));
    // After the first round, what references dangle to are the resources of lines that the round before failed.
    boolean toFailedLines = false;
    while (!dangling.isEmpty() && !run.stopped()) {
      Set<String> targets = new LinkedHashSet<>();
      List<Failure> failures = new ArrayList<>();
      int before = context.placeholders().size();
      List<Dangling> placed = references.makesPlaceholders() ? placeholders(dangling, failures, targets) : dangling;
      if (context.placeholders().size() > before) {
        placed.forEach(reference -> targets.add(reference.reference()));
        int number = stager.takeBatch();
        ImportRun.Cursor cursor = stager.cursor();
        stager.stage(new ImportStager.Batch(number, stager.encode(number, List.of(), List.of()),
            new ImportRun.Cursor("check", cursor.position(), cursor.line(), number + 1, 0, 0), 0));
      } else {
        failures.addAll(failures(placed, targets, toFailedLines));
      }
      if (!failures.isEmpty()) {
        imports.reject(run.id(), failures);
      }
      toFailedLines = true;
      dangling = lease.during(() -> imports.dangling(run.id(), targets));
    }
  }

  /**
   * Makes a placeholder for each resource the dangling references name; the references it made (or had made) one for.
   * A reference for which none can be made fails at once, its line's resource added to targets. None is new when the
   * round before made them all and their lines failed: the references then fail, rather than wait for them again.
   */
  private List<Dangling> placeholders(List<Dangling> dangling, List<Failure> failures, Set<String> targets) {
    List<Dangling> placed = new ArrayList<>();
    for (Dangling reference : dangling) {
      try {
        references.placeholder(reference.reference(), context.placeholders());
        placed.add(reference);
      } catch (FhirException e) {
        failures.add(failure(reference, e));
        targets.add(reference.resource());
      }
    }
    return placed;
  }

  /**
   * The failures of lines whose references name nothing, or only resources whose lines failed
   * ({@code toFailedLines}); adds the resources they would have staged to targets.
   */
  private List<Failure> failures(List<Dangling> dangling, Set<String> targets, boolean toFailedLines) {
    List<Failure> failures = new ArrayList<>();
    for (Dangling reference : dangling) {
      failures.add(failure(reference, new FhirException(400, IssueType.NOTFOUND, "The reference "
          + reference.reference() + (toFailedLines ? " names a resource of this import whose line failed."
          : " names no resource on this server nor in this import."))));
      targets.add(reference.resource());
    }
    return failures;
  }

  private Failure failure(Dangling reference, FhirException e) {
    ImportRequest.Input spec = inputOf(reference.seq());
    return lines.failure(reference.seq(), spec == null ? "placeholder" : spec.url(), e);
  }

  private ImportRequest.Input inputOf(long seq) {
    int input = ImportLine.input(seq);
    return input < request.inputs().size() ? request.inputs().get(input) : null;
  }
}
