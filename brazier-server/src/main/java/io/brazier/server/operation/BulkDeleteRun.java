package io.brazier.server.operation;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.FhirRequest;
import io.brazier.server.interaction.Commits;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Delete;
import io.brazier.server.operation.BulkCounts.Count;
import io.brazier.server.operation.BulkDeleteRequest.Mode;
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
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pages of a {@code $bulk-delete} or {@code $bulk-delete-soft-deleted} job ({@link BulkJob}). A page's resources
 * are deleted together through {@link Delete}, each as a DELETE by id with If-Match naming its version of the
 * kick-off, so that each deletion is written, numbered in the change feed and kept in history exactly as a DELETE's,
 * and a resource changed since is left alone, counted ignored (as Microsoft's server selects by {@code _lastUpdated}
 * before the start). With {@code _hardDelete} the page's deletions are then purged of their history, again on a
 * resume, as the purge follows the commit. {@code _purgeHistory} and {@code $bulk-delete-soft-deleted} purge the page's history in one
 * transaction with the job's cursor ({@link Store#purgeHistories}); a resource counts when its purge removed versions.
 */
final class BulkDeleteRun implements BulkJob.Pages {
  private final Store store;
  private final FhirSearch search;
  private final Conditions conditions;
  private final Delete delete;
  private final BulkDeleteRequest request;
  private final Map<String, SearchQuery> queries = new HashMap<>();

  BulkDeleteRun(Store store, FhirSearch search, Conditions conditions, Delete delete, BulkDeleteRequest request) {
    this.store = store;
    this.search = search;
    this.conditions = conditions;
    this.delete = delete;
    this.request = request;
  }

  /** The resources of then that the criteria select, or for {@code $bulk-delete-soft-deleted} those deleted then. */
  @Override
  public ScanPage page(String type, ScanCursor after) {
    if (request.mode() == Mode.SOFT_DELETED) {
      return store.deletions(type, request.sequence(), null, after, BulkDelete.PAGE);
    }
    return store.scan(new AsOfScan(type, request.sequence(), query(type), after, BulkDelete.PAGE), search);
  }

  private SearchQuery query(String type) {
    return queries.computeIfAbsent(type, t -> conditions.parse(List.of(t), request.criteria()));
  }

  @Override
  public Optional<BulkCounts> commit(String type, List<ResourceVersion> page, BulkCounts counts,
      BulkJob.Progress progress) {
    return switch (request.mode()) {
      case SOFT, HARD -> delete(type, page, counts, progress);
      case PURGE_HISTORY -> purge(type, page, false, counts, progress);
      case SOFT_DELETED -> {
        List<Criterion> within = query(type).criteria();
        yield purge(type, page.stream().filter(deletion -> BulkDeleteRequest.deletedWithin(within,
            deletion.lastUpdated().toEpochMilli())).toList(), true, counts, progress);
      }
    };
  }

  /** Deletes the page's resources in one commit that records the counts, then purges them for a hard delete. */
  private Optional<BulkCounts> delete(String type, List<ResourceVersion> page, BulkCounts counts,
      BulkJob.Progress progress) {
    boolean hard = request.mode() == Mode.HARD;
    List<FhirRequest> requests = page.stream().map(version -> FhirRequest.builder("DELETE", type + "/" + version.id())
        .header("If-Match", version.etag()).build()).toList();
    // Made again for each attempt of the commit: the last one made is what committed.
    AtomicReference<BulkCounts> after = new AtomicReference<>();
    AtomicReference<List<String>> deleted = new AtomicReference<>();
    Optional<List<Commits.Outcome>> outcomes = delete.handleAllRecorded(requests, attempt -> {
      List<String> resources = new ArrayList<>();
      BulkCounts counted = counts.copy();
      for (int i = 0; i < page.size(); i++) {
        FhirException refused = attempt.get(i).refused();
        if (refused == null) {
          resources.add(type + "/" + page.get(i).id());
        } else if (BulkJob.CHANGED_SINCE.contains(refused.status())) {
          counted.add(Count.IGNORED, type, 1);
        }
      }
      counted.add(Count.DELETED, type, resources.size());
      after.set(counted);
      deleted.set(resources);
      return progress.after(counted, hard ? resources : List.of());
    });
    if (outcomes.isEmpty()) {
      return Optional.empty();
    }
    if (hard) {
      finish(deleted.get());
    }
    return Optional.of(after.get());
  }

  /** Purges the history of those deleted (a resource written again since keeps its history, as after a DELETE). */
  @Override
  public void finish(List<String> pending) {
    for (String resource : pending) {
      int slash = resource.indexOf('/');
      store.purgeDeletedHistory(resource.substring(0, slash), resource.substring(slash + 1));
    }
  }

  /** Purges the history of each, counting those that had some, in one transaction with the counts. */
  private Optional<BulkCounts> purge(String type, List<ResourceVersion> page, boolean deletedOnly, BulkCounts counts,
      BulkJob.Progress progress) {
    AtomicReference<BulkCounts> after = new AtomicReference<>();
    OptionalInt purged = store.purgeHistories(type, page.stream().map(ResourceVersion::id).toList(), deletedOnly,
        count -> {
          BulkCounts counted = counts.copy();
          counted.add(Count.DELETED, type, count);
          after.set(counted);
          return progress.after(counted, List.of());
        });
    return purged.isPresent() ? Optional.of(after.get()) : Optional.empty();
  }
}
