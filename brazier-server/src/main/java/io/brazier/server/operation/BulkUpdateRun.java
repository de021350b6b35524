package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.interaction.Patch;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import io.brazier.store.Store;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * One run of a {@code $bulk-update} job: walks the resources of each type that matched the criteria as of the job's
 * start ({@link AsOfScan}: a resource created since is not among them), a page at a time, and patches each through
 * the PATCH interaction with If-Match naming its version of then. So a resource that changed since is left alone
 * (counted ignored, as in Microsoft's server, which selects by {@code _lastUpdated} before the start), and none is
 * patched twice: a run that resumes after a node died replays at most the page it was on, whose patched resources
 * have changed since and are ignored. The cursor (type, position, counts) is recorded after each page.
 */
final class BulkUpdateRun {
  private static final int PAGE = 100;
  /** What a patch refused for a resource that changed (412) or went (404, 410) since the job began. */
  private static final Set<Integer> CHANGED_SINCE = Set.of(404, 410, 412);

  private final BulkUpdate operation;
  private final Fhir fhir;
  private final FhirSearch search;
  private final Store store;
  private final Patch patch;
  private final Jobs.Run run;
  private final BulkUpdate.Request request;
  private final BulkUpdatePatch patches;
  private final Map<String, Optional<byte[]>> bodies = new HashMap<>();

  /** Where the walk got to: the index of the type in the request, the scan's position in it, the counts so far. */
  record Cursor(int type, String after, BulkUpdateCounts counts) {}

  BulkUpdateRun(BulkUpdate operation, Fhir fhir, FhirSearch search, Store store, Patch patch, Jobs.Run run) {
    this.operation = operation;
    this.fhir = fhir;
    this.search = search;
    this.store = store;
    this.patch = patch;
    this.run = run;
    this.request = JobJson.read(run.request(), BulkUpdate.Request.class);
    this.patches = BulkUpdatePatch.of(fhir, request.patch());
  }

  BulkUpdateCounts patchAll() {
    Cursor cursor = run.cursor() == null ? new Cursor(0, null, BulkUpdateCounts.none())
        : JobJson.read(run.cursor(), Cursor.class);
    BulkUpdateCounts counts = cursor.counts();
    List<String> types = request.types();
    for (int i = cursor.type(); i < types.size() && !run.stopped(); i++) {
      String type = types.get(i);
      String after = i == cursor.type() ? cursor.after() : null;
      AsOfScan scan = new AsOfScan(type, request.sequence(), operation.query(type, request.criteria(),
          request.baseUrl()), after == null ? null : ScanCursor.decode(after), PAGE);
      while (!run.stopped()) {
        ScanPage page = page(scan);
        page.versions().forEach(version -> patch(version, counts));
        boolean last = page.next() == null;
        Cursor at = last ? new Cursor(i + 1, null, counts) : new Cursor(i, page.next().encode(), counts);
        run.progress(counts.total(), null, JobJson.write(at));
        if (last) {
          break;
        }
        scan = scan.after(page.next());
      }
    }
    return counts;
  }

  /** A page of the scan; a job that outlived the changes the store keeps cannot tell what matched at its start. */
  private ScanPage page(AsOfScan scan) {
    try {
      return store.scan(scan, search);
    } catch (IllegalArgumentException e) {
      throw new FhirException(500, IssueType.EXCEPTION, "The bulk update could not read the data as of its start: "
          + e.getMessage() + " What it patched before stays patched; start it again.");
    }
  }

  private void patch(ResourceVersion version, BulkUpdateCounts counts) {
    String type = version.type();
    Optional<byte[]> body = BulkUpdate.EXCLUDED.contains(type) ? Optional.empty()
        : bodies.computeIfAbsent(type, t -> patches.forType(t).map(own -> fhir.encode(Format.JSON, own, false)));
    if (body.isEmpty()) {
      counts.ignored(type);
      return;
    }
    FhirRequest patching = FhirRequest.builder("PATCH", type + "/" + version.id()).baseUrl(request.baseUrl())
        .caller(Caller.system(request.source())).header("If-Match", version.etag())
        .header("Prefer", "return=minimal").body(body.get(), "application/fhir+json").build();
    try {
      boolean changed = patch.handle(patching).version().version() != version.version();
      if (changed) {
        counts.updated(type);
      } else {
        counts.ignored(type);
      }
    } catch (FhirException e) {
      if (e.status() >= 500) {
        throw e;
      }
      if (CHANGED_SINCE.contains(e.status())) {
        counts.ignored(type);
      } else {
        counts.failed(type, type + "/" + version.id() + ": " + e.getMessage());
      }
    }
  }
}
