package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.interaction.Commits;
import io.brazier.server.interaction.Patch;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * One run of a {@code $bulk-update} job: walks the resources of each type that matched the criteria as of the job's
 * start ({@link AsOfScan}: a resource created since is not among them), a page at a time, and patches each through
 * the PATCH interaction with If-Match naming its version of then, so a resource that changed since is left alone
 * (counted ignored, as in Microsoft's server, which selects by {@code _lastUpdated} before the start). A page's patched
 * versions commit in one transaction with the cursor after the page (type, position, counts): a run that resumes after
 * a node died, or is cancelled, has patched exactly the pages its cursor counts, and none twice.
 */
final class BulkUpdateRun {
  static final int PAGE = 100;
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
        boolean last = page.next() == null;
        int at = i;
        String next = last ? null : page.next().encode();
        counts = patch(page.versions(), counts, counted -> last ? new Cursor(at + 1, null, counted)
            : new Cursor(at, next, counted));
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

  /**
   * Patches a page's resources and commits their new versions with the cursor that {@code cursor} makes of the counts
   * after the page, in one transaction: the counts after it, or those before when the job's runner no longer holds
   * the job (nothing of the page is then written, and the run stops).
   */
  private BulkUpdateCounts patch(List<ResourceVersion> versions, BulkUpdateCounts before,
      Function<BulkUpdateCounts, Cursor> cursor) {
    BulkUpdateCounts counts = before.copy();
    List<ResourceVersion> patched = new ArrayList<>();
    List<FhirRequest> requests = new ArrayList<>();
    for (ResourceVersion version : versions) {
      Optional<FhirRequest> request = request(version);
      if (request.isPresent()) {
        patched.add(version);
        requests.add(request.get());
      } else {
        counts.ignored(version.type());
      }
    }
    AtomicReference<BulkUpdateCounts> after = new AtomicReference<>();
    Optional<List<Commits.Outcome>> outcomes = patch.handleAllRecorded(requests, attempt -> {
      BulkUpdateCounts counted = counts.copy();
      for (int i = 0; i < patched.size(); i++) {
        count(patched.get(i), attempt.get(i), counted);
      }
      after.set(counted);
      return run.heartbeat(counted.total(), null, JobJson.write(cursor.apply(counted)));
    });
    if (outcomes.isEmpty()) {
      run.lost();
      return before;
    }
    return after.get();
  }

  /** The PATCH of a resource with If-Match naming its version of the job's start; none for a type not patched. */
  private Optional<FhirRequest> request(ResourceVersion version) {
    String type = version.type();
    Optional<byte[]> body = BulkUpdate.EXCLUDED.contains(type) ? Optional.empty()
        : bodies.computeIfAbsent(type, t -> patches.forType(t).map(own -> fhir.encode(Format.JSON, own, false)));
    return body.map(patching -> FhirRequest.builder("PATCH", type + "/" + version.id()).baseUrl(request.baseUrl())
        .caller(Caller.system(request.source())).header("If-Match", version.etag())
        .header("Prefer", "return=minimal").body(patching, "application/fhir+json").build());
  }

  /** Counts what the patch of {@code version} came to: a new version, none, a change since the start, a failure. */
  private static void count(ResourceVersion version, Commits.Outcome outcome, BulkUpdateCounts counts) {
    String type = version.type();
    if (outcome.refused() == null) {
      if (outcome.response().version().version() != version.version()) {
        counts.updated(type);
      } else {
        counts.ignored(type);
      }
    } else if (CHANGED_SINCE.contains(outcome.refused().status())) {
      counts.ignored(type);
    } else {
      counts.failed(type, type + "/" + version.id() + ": " + outcome.refused().getMessage());
    }
  }
}
