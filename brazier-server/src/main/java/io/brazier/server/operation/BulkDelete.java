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
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * and kept in history exactly as a DELETE's. It records its cursor after each batch, so a job whose node died resumes
 * there; the batch in flight is recorded first, so that what it deleted before the node died is counted (and its
 * history purged) on resume, and nothing is deleted twice or missed. A cancel stops it after the batch in flight;
 * what it deleted stays deleted, and a poll then answers the counts so far.
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
   * Where the walk got to: after resource {@code after} of {@code type}, with the counts so far by type; {@code
   * pending} names the batch that was being deleted (up to {@code after}) when the cursor was recorded, empty once
   * it is counted.
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
    add(counts, cursor.type(), finishPending(request, cursor));
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
   * Deletes (or purges) the matches of a batch that ends with {@code last}, adds them to {@code counts} and records
   * the cursor after it; records nothing when the job stopped before the deletion, which is then still to do.
   */
  private void batch(Jobs.Run run, BulkDeleteRequest request, String type, List<ResourceVersion> batch, String last,
      Map<String, Long> counts) {
    long count;
    if (request.mode() == Mode.SOFT_DELETED) {
      List<Criterion> within = conditions.parse(List.of(type), request.criteria()).criteria();
      count = purged(batch.stream().filter(v -> BulkDeleteRequest.deletedWithin(within, v.lastUpdated()
          .toEpochMilli())).map(ResourceVersion::id).toList(), type, true);
    } else {
      List<String> matched = conditions.matches(type, criteria(request, batch.stream().map(ResourceVersion::id)
          .toList()), BATCH, null);
      if (request.mode() == Mode.PURGE_HISTORY || matched.isEmpty()) {
        count = purged(matched, type, false);
      } else {
        // Recorded before the deletion commits, so that a node that dies after it leaves the batch to be counted.
        run.progress(total(counts), null, JobJson.write(new Cursor(type, last, matched, counts)));
        if (run.stopped()) {
          return;
        }
        count = deleteNow(request, type, matched);
      }
    }
    add(counts, type, count);
    run.progress(total(counts), null, JobJson.write(new Cursor(type, last, List.of(), counts)));
  }

  /**
   * Counts the batch a previous runner recorded as in flight: what it deleted before it stopped (purging that
   * history too, for a hard delete, which it may not have got to), and deletes what it did not.
   */
  private long finishPending(BulkDeleteRequest request, Cursor cursor) {
    if (cursor.pending().isEmpty()) {
      return 0;
    }
    List<String> deletedBefore = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (String id : cursor.pending()) {
      boolean deleted = store.current(cursor.type(), id).map(ResourceVersion::deleted).orElse(false);
      (deleted ? deletedBefore : live).add(id);
    }
    if (request.mode() == Mode.HARD) {
      deletedBefore.forEach(id -> store.purgeDeletedHistory(cursor.type(), id));
    }
    return deletedBefore.size() + (live.isEmpty() ? 0 : deleteNow(request, cursor.type(), live));
  }

  /** Deletes those of {@code ids} that still match, in one conditional delete; returns how many it deleted. */
  private long deleteNow(BulkDeleteRequest request, String type, List<String> ids) {
    Map<String, List<String>> query = criteria(request, ids);
    if (request.mode() == Mode.HARD) {
      query.put("hardDelete", List.of("true"));
    }
    return delete.deleted(FhirRequest.builder("DELETE", type).build().withQuery(query)).size();
  }

  /** Purges the history of each; returns how many had history to purge. */
  private long purged(List<String> ids, String type, boolean deletedOnly) {
    long purged = 0;
    for (String id : ids) {
      // Only while still deleted: a resource written again since keeps its history, as after a hard delete.
      int versions = deletedOnly ? store.purgeDeletedHistory(type, id) : store.purgeHistory(type, id);
      purged += versions > 0 ? 1 : 0;
    }
    return purged;
  }

  /** The request's criteria narrowed to these ids. */
  private static Map<String, List<String>> criteria(BulkDeleteRequest request, List<String> ids) {
    Map<String, List<String>> criteria = new LinkedHashMap<>(request.criteria());
    List<String> idCriteria = new ArrayList<>(criteria.getOrDefault("_id", List.of()));
    idCriteria.add(String.join(",", ids));
    criteria.put("_id", idCriteria);
    return criteria;
  }

  private static void add(Map<String, Long> counts, String type, long count) {
    if (count > 0) {
      counts.merge(type, count, Long::sum);
    }
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
