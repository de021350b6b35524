package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.interaction.Commits;
import io.brazier.server.interaction.Patch;
import io.brazier.server.operation.BulkCounts.Count;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pages of a {@code $bulk-update} job ({@link BulkJob}): patches each resource the criteria selected through the
 * PATCH interaction, with If-Match naming its version of the kick-off, so a resource that changed since is left alone
 * (counted ignored, as in Microsoft's server, which selects by {@code _lastUpdated} before the start), and commits a
 * page's patched versions together ({@link Patch#handleAllRecorded}).
 */
final class BulkUpdateRun implements BulkJob.Pages {
  /**
   * Resources per page, patched and committed together: as many as a bulk delete's, since each page reads anew
   * what changed since the kick-off (this job's own patches among it), so fewer pages cost the scan less.
   */
  static final int PAGE = BulkDelete.PAGE;

  private final BulkUpdate operation;
  private final Fhir fhir;
  private final FhirSearch search;
  private final Store store;
  private final Patch patch;
  private final BulkUpdate.Request request;
  private final BulkUpdatePatch patches;
  private final Map<String, SearchQuery> queries = new HashMap<>();
  private final Map<String, Optional<byte[]>> bodies = new HashMap<>();

  BulkUpdateRun(BulkUpdate operation, Fhir fhir, FhirSearch search, Store store, Patch patch,
      BulkUpdate.Request request) {
    this.operation = operation;
    this.fhir = fhir;
    this.search = search;
    this.store = store;
    this.patch = patch;
    this.request = request;
    this.patches = BulkUpdatePatch.of(fhir, request.patch());
  }

  @Override
  public ScanPage page(String type, ScanCursor after) {
    SearchQuery query = queries.computeIfAbsent(type, t -> operation.query(t, request.criteria(), request.baseUrl()));
    return store.scan(new AsOfScan(type, request.sequence(), query, after, PAGE), search);
  }

  @Override
  public Optional<BulkCounts> commit(String type, List<ResourceVersion> page, BulkCounts before,
      BulkJob.Progress progress) {
    BulkCounts counts = before.copy();
    List<ResourceVersion> patched = new ArrayList<>();
    List<FhirRequest> requests = new ArrayList<>();
    for (ResourceVersion version : page) {
      Optional<FhirRequest> request = request(version);
      if (request.isPresent()) {
        patched.add(version);
        requests.add(request.get());
      } else {
        counts.add(Count.IGNORED, type, 1);
      }
    }
    // Counted again for each attempt of the commit: the last one counted is what committed.
    AtomicReference<BulkCounts> after = new AtomicReference<>();
    Optional<List<Commits.Outcome>> outcomes = patch.handleAllRecorded(requests, attempt -> {
      BulkCounts counted = counts.copy();
      for (int i = 0; i < patched.size(); i++) {
        count(patched.get(i), attempt.get(i), counted);
      }
      after.set(counted);
      return progress.after(counted, List.of());
    });
    return outcomes.map(committed -> after.get());
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
  private static void count(ResourceVersion version, Commits.Outcome outcome, BulkCounts counts) {
    String type = version.type();
    if (outcome.refused() == null) {
      counts.add(outcome.response().version().version() != version.version() ? Count.UPDATED : Count.IGNORED, type,
          1);
    } else if (BulkJob.CHANGED_SINCE.contains(outcome.refused().status())) {
      counts.add(Count.IGNORED, type, 1);
    } else {
      counts.failed(type, type + "/" + version.id() + ": " + outcome.refused().getMessage());
    }
  }
}
