package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.QueryParser;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Delete;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.operation.BulkDeleteRequest.Mode;
import io.brazier.store.Job;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Parameters;

/**
 * Microsoft FHIR server's {@code $bulk-delete} and {@code $bulk-delete-soft-deleted}
 * (https://learn.microsoft.com/azure/healthcare-apis/fhir/fhir-bulk-delete): {@code DELETE [base]/$bulk-delete} or
 * {@code [base]/[type]/$bulk-delete} with {@code Prefer: respond-async} deletes what its search criteria select, as a
 * background job: 202 and a Content-Location to poll, whose answer is a Parameters of the count deleted per type.
 * {@code _hardDelete=true} also purges their history, {@code _purgeHistory=true} purges only the history of what
 * stays; {@code $bulk-delete-soft-deleted} purges what deleted resources' history kept. See {@link BulkDeleteRequest}.
 *
 * <p>The job walks each type in id order, a batch at a time, and deletes a batch's matches with one conditional delete
 * ({@code _id} and the criteria) through {@link Delete}, so that each deletion is written, numbered in the change feed
 * and kept in history exactly as a DELETE's. Each batch's deletion (or purge) commits with the cursor after it and the
 * counts, in one transaction: a job whose node died resumes after the last batch that committed, and a cancel either
 * comes before a batch commits (which then deletes nothing) or after it (which is then counted), so the counts are
 * exactly what was deleted. What it deleted stays deleted, and a poll of a cancelled job answers the counts so far.
 */
public final class BulkDelete implements Interaction, Jobs.Work {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("bulk-delete", "https://brazier.dev/fhir/OperationDefinition/bulk-delete");
  public static final Operations.Definition SOFT_DELETED = new Operations.Definition("bulk-delete-soft-deleted",
      "https://brazier.dev/fhir/OperationDefinition/bulk-delete-soft-deleted");
  public static final String KIND = "bulk-delete";
  /**
   * Resources per page of the walk, cut into batches of one search and one commit each; the most a batch's
   * conditional delete may match.
   */
  public static final int BATCH = 500;
  private static final String COUNTS = "ResourceDeletedCount";

  private final Fhir fhir;
  private final Store store;
  private final Conditions conditions;
  private final Delete delete;
  private final Jobs jobs;

  /**
   * Where the walk got to: after resource {@code after} of {@code type}, with the counts so far by type, recorded in
   * the transaction that deleted (or purged) the batch up to {@code after}; {@code pending} names what that batch hard
   * deleted, whose history is purged after the deletion commits, so perhaps not yet.
   */
  record Cursor(String type, String after, List<String> pending, Map<String, Long> counts) {}

  /** @param delete deletes a batch: a {@link Delete} that lets a conditional delete match {@link #BATCH} */
  public BulkDelete(Fhir fhir, Store store, Conditions conditions, Delete delete, Jobs jobs) {
    this.fhir = fhir;
    this.store = store;
    this.conditions = conditions;
    this.delete = delete;
    this.jobs = jobs;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (request.restriction() != null) {
      throw FhirException.forbidden(request.operation() + " reaches beyond any patient's compartment: it is not"
          + " for a caller kept to one.");
    }
    if (!request.prefer().respondAsync()) {
      throw FhirException.badRequest(request.operation() + " runs as a background job: send Prefer:"
          + " respond-async.");
    }
    BulkDeleteRequest asked = BulkDeleteRequest.of(request, fhir, conditions);
    String job = jobs.submit(KIND, JobJson.write(asked), request.caller());
    return FhirResponse.of(202, Outcomes.information("The bulk delete has started; poll the Content-Location."))
        .header("Content-Location", request.baseUrl() + "/_async/" + job);
  }

  @Override
  public byte[] run(Jobs.Run run) {
    BulkDeleteRequest request = JobJson.read(run.request(), BulkDeleteRequest.class);
    if (request.types().isEmpty()) {
      return fhir.encode(Format.JSON, counts(Map.of()), false);
    }
    Cursor cursor = run.cursor() == null ? new Cursor(request.types().get(0), null, List.of(), Map.of())
        : JobJson.read(run.cursor(), Cursor.class);
    Map<String, Long> counts = new LinkedHashMap<>(cursor.counts());
    // Counted already; purged again in case the node died before it purged them (a purge of nothing does nothing).
    cursor.pending().forEach(id -> store.purgeDeletedHistory(cursor.type(), id));
    List<String> types = request.types();
    for (int i = types.indexOf(cursor.type()); i < types.size() && !run.stopped(); i++) {
      String type = types.get(i);
      String after = type.equals(cursor.type()) ? cursor.after() : null;
      for (List<ResourceVersion> page = page(request.mode(), type, after); !page.isEmpty() && !run.stopped();
          page = page(request.mode(), type, after)) {
        after = page.get(page.size() - 1).id();
        for (List<ResourceVersion> batch : batches(page)) {
          if (run.stopped()) {
            break;
          }
          batch(run, request, type, batch, batch.get(batch.size() - 1).id(), counts);
        }
      }
    }
    return fhir.encode(Format.JSON, counts(counts), false);
  }

  /** The next resources of a type to look at: live ones, or deleted ones for {@code $bulk-delete-soft-deleted}. */
  private List<ResourceVersion> page(Mode mode, String type, String after) {
    return mode == Mode.SOFT_DELETED ? store.scanDeleted(type, after, BATCH) : store.scan(type, after, BATCH);
  }

  /**
   * A page cut into batches whose ids, joined by commas, make an {@code _id} value the search takes: a page of long
   * ids is more than {@link QueryParser#MAX_VALUE_LENGTH} characters.
   */
  private static List<List<ResourceVersion>> batches(List<ResourceVersion> page) {
    List<List<ResourceVersion>> batches = new ArrayList<>();
    List<ResourceVersion> batch = new ArrayList<>();
    int length = -1;
    for (ResourceVersion version : page) {
      length += version.id().length() + 1;
      if (length > QueryParser.MAX_VALUE_LENGTH) {
        batches.add(batch);
        batch = new ArrayList<>();
        length = version.id().length();
      }
      batch.add(version);
    }
    batches.add(batch);
    return batches;
  }

  /**
   * Deletes (or purges) the matches of a batch that ends with {@code last} and records the counts with the cursor
   * after it, in one transaction, so that the counts say exactly what was deleted; when the job's runner no longer
   * holds the job (it was cancelled or taken over), nothing is, and the run stops.
   */
  private void batch(Jobs.Run run, BulkDeleteRequest request, String type, List<ResourceVersion> batch, String last,
      Map<String, Long> counts) {
    boolean recorded;
    if (request.mode() == Mode.SOFT_DELETED) {
      List<Criterion> within = conditions.parse(List.of(type), request.criteria()).criteria();
      recorded = purge(run, type, batch.stream().filter(v -> BulkDeleteRequest.deletedWithin(within, v.lastUpdated()
          .toEpochMilli())).map(ResourceVersion::id).toList(), true, last, counts);
    } else {
      List<String> matched = conditions.matches(type, criteria(request, batch.stream().map(ResourceVersion::id)
          .toList()), BATCH, null);
      recorded = request.mode() == Mode.PURGE_HISTORY || matched.isEmpty()
          ? purge(run, type, matched, false, last, counts) : delete(run, request, type, matched, last, counts);
    }
    if (!recorded) {
      run.lost();
    }
  }

  /** Deletes those of {@code ids} that still match, in one conditional delete that records the counts with it. */
  private boolean delete(Jobs.Run run, BulkDeleteRequest request, String type, List<String> ids, String last,
      Map<String, Long> counts) {
    Map<String, List<String>> query = criteria(request, ids);
    boolean hard = request.mode() == Mode.HARD;
    if (hard) {
      query.put("hardDelete", List.of("true"));
    }
    // Made again for each attempt of the commit: the last one made is what committed.
    AtomicReference<Map<String, Long>> after = new AtomicReference<>();
    boolean recorded = delete.deleted(FhirRequest.builder("DELETE", type).build().withQuery(query), deletions -> {
      after.set(plus(counts, type, deletions.size()));
      List<String> pending = hard ? deletions.stream().map(Write::id).toList() : List.of();
      return heartbeat(run, new Cursor(type, last, pending, after.get()));
    });
    if (recorded) {
      counts.putAll(after.get());
    }
    return recorded;
  }

  /** Purges the history of each of {@code ids}, counting those that had some, in one transaction with the counts. */
  private boolean purge(Jobs.Run run, String type, List<String> ids, boolean deletedOnly, String last,
      Map<String, Long> counts) {
    OptionalInt purged = store.purgeHistories(type, ids, deletedOnly,
        count -> heartbeat(run, new Cursor(type, last, List.of(), plus(counts, type, count))));
    purged.ifPresent(count -> counts.putAll(plus(counts, type, count)));
    return purged.isPresent();
  }

  private static JobHeartbeat heartbeat(Jobs.Run run, Cursor cursor) {
    return run.heartbeat(total(cursor.counts()), null, JobJson.write(cursor));
  }

  /** The request's criteria narrowed to these ids. */
  private static Map<String, List<String>> criteria(BulkDeleteRequest request, List<String> ids) {
    Map<String, List<String>> criteria = new LinkedHashMap<>(request.criteria());
    List<String> idCriteria = new ArrayList<>(criteria.getOrDefault("_id", List.of()));
    idCriteria.add(String.join(",", ids));
    criteria.put("_id", idCriteria);
    return criteria;
  }

  /** The counts with {@code count} more of {@code type}: no entry for a type of which nothing was deleted. */
  private static Map<String, Long> plus(Map<String, Long> counts, String type, long count) {
    Map<String, Long> more = new LinkedHashMap<>(counts);
    if (count > 0) {
      more.merge(type, count, Long::sum);
    }
    return more;
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Microsoft's answer: a part per type with its count, and no part for a type of which nothing was deleted. */
  private static Parameters counts(Map<String, Long> counts) {
    Parameters parameters = new Parameters();
    if (!counts.isEmpty()) {
      Parameters.ParametersParameterComponent deleted = parameters.addParameter().setName(COUNTS);
      counts.forEach((type, count) -> deleted.addPart().setName(type).setValue(new DecimalType(count)));
    }
    return parameters;
  }

  /** A cancelled job answers, as Microsoft's does, 200 and what it deleted before the cancel. */
  @Override
  public FhirResponse cancelled(Job job) {
    Map<String, Long> counts = job.cursor() == null ? Map.of() : JobJson.read(job.cursor(), Cursor.class).counts();
    return FhirResponse.ok(counts(counts));
  }

  @Override
  public String afterCancel() {
    return "what it deleted stays deleted; a poll answers how many.";
  }

  /** An ended bulk delete keeps its answer, the counts: a DELETE of its status is a 409. */
  @Override
  public boolean cancelsEnded() {
    return false;
  }
}
