package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.Terminology;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.Formats;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Patch;
import io.brazier.server.operation.BulkCounts.Count;
import io.brazier.store.AsOfScan;
import io.brazier.store.Job;
import io.brazier.store.Store;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/**
 * Microsoft's {@code $bulk-update}: {@code PATCH [base]/$bulk-update} or {@code [base]/[type]/$bulk-update} with
 * {@code Prefer: respond-async}, search parameters that select the resources, and a FHIRPath Patch of replace and
 * upsert operations ({@link BulkUpdatePatch}) for the body. Everything is checked at kick-off (a 400 before any job);
 * the job ({@link BulkUpdateRun}) then patches the resources that matched when it was asked for, each through the
 * PATCH interaction. One runs at a time, on any node: a second is a 409 while one is queued or running. Polls answer
 * 202 with the counts so far in X-Progress, then 200 with the counts ({@link BulkCounts}); DELETE cancels, and
 * what was patched stays patched. https://learn.microsoft.com/azure/healthcare-apis/fhir/fhir-bulk-update
 */
public final class BulkUpdate implements Interaction, Jobs.Work {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("bulk-update", "https://brazier.dev/fhir/OperationDefinition/bulk-update");
  public static final String KIND = "bulk-update";
  /** Types whose resources change what the server does (its search parameters, its profiles): never patched. */
  static final Set<String> EXCLUDED = Set.of("SearchParameter", "StructureDefinition");
  /** Microsoft's choice of running in parallel: one runner patches in turn here. */
  private static final String IS_PARALLEL = "_isParallel";

  private final Fhir fhir;
  private final FhirSearch search;
  private final Terminology terminology;
  private final Store store;
  private final Patch patch;
  private final Jobs jobs;
  private final BulkJob bulkJob;

  /**
   * What a job patches: the resources of {@code types} that matched {@code criteria} as of change {@code sequence},
   * with {@code patch} (FHIRPath Patch JSON), as {@code source} writes (a caller's {@code meta.source}, or null).
   */
  record Request(List<String> types, Map<String, List<String>> criteria, String patch, long sequence,
      String baseUrl, String source) {}

  /** @param patch the PATCH interaction, {@link Patch#skippingUnchanged() skipping unchanged} resources */
  public BulkUpdate(Fhir fhir, FhirSearch search, Terminology terminology, Store store, Patch patch, Jobs jobs) {
    this.fhir = fhir;
    this.search = search;
    this.terminology = terminology;
    this.store = store;
    this.patch = patch;
    this.jobs = jobs;
    this.bulkJob = new BulkJob(fhir, "bulk update", BulkCounts.none(Count.UPDATED, Count.IGNORED, Count.PATCH_FAILED));
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (request.restriction() != null) {
      throw FhirException.forbidden("The caller sees only some patients' data, and $bulk-update patches everyone's.");
    }
    if (!request.prefer().respondAsync()) {
      throw FhirException.badRequest("$bulk-update runs asynchronously: send the header Prefer: respond-async.");
    }
    boolean system = request.segments().size() == 1;
    if (!system && EXCLUDED.contains(request.type())) {
      throw FhirException.badRequest("$bulk-update does not patch " + request.type() + " resources.");
    }
    BulkUpdatePatch checked = BulkUpdatePatch.of(fhir, body(request));
    Map<String, List<String>> asked = new LinkedHashMap<>(request.query());
    asked.remove(IS_PARALLEL);
    List<String> types = types(request, asked, system).stream().filter(checked::patches).toList();
    Map<String, List<String>> criteria = new LinkedHashMap<>(asked);
    criteria.remove("_type");
    if (types.isEmpty()) {
      throw FhirException.badRequest("No operation of this $bulk-update patches the types it selects: start each"
          + " path with one of them, or with Resource.");
    }
    types.forEach(type -> query(type, criteria, request.baseUrl()));
    Request job = new Request(types, criteria, checked.json(), store.watermark(), request.baseUrl(),
        request.caller().source());
    return jobs.submit(KIND, JobJson.write(job), request.caller(), 1)
        .map(id -> FhirResponse.of(202, Outcomes.information("The bulk update has started; poll the"
            + " Content-Location.")).header("Content-Location", request.baseUrl() + "/_async/" + id))
        .orElseThrow(() -> FhirException.conflict("A bulk update is running already; only one runs at a time. Retry"
            + " once it has ended, or cancel it."));
  }

  /** The body: a FHIRPath Patch, checked as PATCH checks one (a 400 for one that is malformed). */
  private Parameters body(FhirRequest request) {
    if (!request.hasBody() || Formats.isJsonPatch(request.header("Content-Type"))) {
      throw FhirException.badRequest("$bulk-update takes a FHIRPath Patch (a Parameters resource) for its body.");
    }
    Resource body = fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()));
    if (!(body instanceof Parameters parameters)) {
      throw FhirException.badRequest("$bulk-update takes a FHIRPath Patch Parameters resource, not a "
          + body.fhirType() + ".");
    }
    patch.check(parameters);
    return parameters;
  }

  /** The type of a type-level request; at system level those of {@code _type}, or every type. */
  private List<String> types(FhirRequest request, Map<String, List<String>> asked, boolean system) {
    if (!system) {
      return List.of(request.type());
    }
    SearchQuery all = search.parser().parse(List.of(), asked, options(request.baseUrl()));
    return all.types().isEmpty() ? fhir.resourceTypes().stream().sorted().toList() : all.types();
  }

  /**
   * The criteria as a search of {@code type} decided as of the job's start: a 400 for a parameter the type does not
   * have, and for what cannot be decided then (chains, {@code _has}, {@code _list}) or selects more (includes).
   */
  SearchQuery query(String type, Map<String, List<String>> criteria, String baseUrl) {
    try {
      SearchQuery query = search.parser().parse(List.of(type), criteria, options(baseUrl));
      new AsOfScan(type, 0, query, null, 1);
      return query;
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest("$bulk-update cannot select by these parameters: " + e.getMessage());
    }
  }

  private QueryParser.Options options(String baseUrl) {
    return new QueryParser.Options(true, baseUrl, terminology);
  }

  @Override
  public byte[] run(Jobs.Run run) {
    Request request = JobJson.read(run.request(), Request.class);
    return bulkJob.run(run, request.types(), new BulkUpdateRun(this, fhir, search, store, patch, request));
  }

  @Override
  public String progress(Job job) {
    return bulkJob.progress(job);
  }

  /** A cancelled bulk update answers what it did before, as Microsoft's does: 200, its counts and "cancelled". */
  @Override
  public FhirResponse cancelled(Job job) {
    return bulkJob.cancelled(job, "The bulk update was cancelled; what it patched before stays.");
  }

  /** An ended bulk update keeps its counts: a DELETE then is a 409. */
  @Override
  public boolean cancelsEnded() {
    return false;
  }

  /** A failed bulk update answers, as Microsoft's does, what it did before it failed, and why it failed. */
  @Override
  public FhirResponse failed(Job job, FhirException failure) {
    return bulkJob.failed(job, failure);
  }

  @Override
  public String afterCancel() {
    return "what it patched before stays patched.";
  }
}
