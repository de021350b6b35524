package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Conditions;
import io.brazier.server.interaction.Delete;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.operation.BulkCounts.Count;
import io.brazier.store.Job;
import io.brazier.store.Store;

/**
 * Microsoft FHIR server's {@code $bulk-delete} and {@code $bulk-delete-soft-deleted}
 * (https://learn.microsoft.com/azure/healthcare-apis/fhir/fhir-bulk-delete): {@code DELETE [base]/$bulk-delete} or
 * {@code [base]/[type]/$bulk-delete} with {@code Prefer: respond-async} deletes what its search criteria selected at
 * the kick-off, as a background job: 202 and a Content-Location to poll, whose answer is a Parameters of the count
 * deleted per type. {@code _hardDelete=true} also purges their history, {@code _purgeHistory=true} purges only the
 * history of what stays; {@code $bulk-delete-soft-deleted} purges what deleted resources' history kept. See
 * {@link BulkDeleteRequest} for what it asks, {@link BulkDeleteRun} for what it does with each page of a
 * {@link BulkJob}. What it deleted stays deleted, and a poll of a cancelled job answers the counts so far.
 */
public final class BulkDelete implements Interaction, Jobs.Work {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("bulk-delete", "https://brazier.dev/fhir/OperationDefinition/bulk-delete");
  public static final Operations.Definition SOFT_DELETED = new Operations.Definition("bulk-delete-soft-deleted",
      "https://brazier.dev/fhir/OperationDefinition/bulk-delete-soft-deleted");
  public static final String KIND = "bulk-delete";
  /** Resources per page of the walk, deleted (or purged) in one commit. */
  public static final int PAGE = 500;

  private final Fhir fhir;
  private final Store store;
  private final FhirSearch search;
  private final Conditions conditions;
  private final Delete delete;
  private final Jobs jobs;
  private final BulkJob bulkJob;

  public BulkDelete(Fhir fhir, Store store, FhirSearch search, Conditions conditions, Delete delete, Jobs jobs) {
    this.fhir = fhir;
    this.store = store;
    this.search = search;
    this.conditions = conditions;
    this.delete = delete;
    this.jobs = jobs;
    this.bulkJob = new BulkJob(fhir, "bulk delete", BulkCounts.none(Count.DELETED));
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
    BulkDeleteRequest asked = BulkDeleteRequest.of(request, fhir, conditions, store.watermark());
    String job = jobs.submit(KIND, JobJson.write(asked), request.caller());
    return FhirResponse.of(202, Outcomes.information("The bulk delete has started; poll the Content-Location."))
        .header("Content-Location", request.baseUrl() + "/_async/" + job);
  }

  @Override
  public byte[] run(Jobs.Run run) {
    BulkDeleteRequest request = JobJson.read(run.request(), BulkDeleteRequest.class);
    if (request.sequence() == null) {
      throw bulkJob.olderVersion();
    }
    return bulkJob.run(run, request.types(), new BulkDeleteRun(store, search, conditions, delete, request));
  }

  @Override
  public String progress(Job job) {
    return bulkJob.progress(job);
  }

  /** A cancelled job answers, as Microsoft's does, 200 and what it deleted before the cancel. */
  @Override
  public FhirResponse cancelled(Job job) {
    return bulkJob.cancelled(job);
  }

  /** A failed bulk delete answers, as Microsoft's does, what it did before it failed, and why it failed. */
  @Override
  public FhirResponse failed(Job job, FhirException failure) {
    return bulkJob.failed(job, failure);
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
