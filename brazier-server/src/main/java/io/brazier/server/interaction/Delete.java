package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Prefer;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * FHIR delete: DELETE [base]/[type]/[id], and conditional delete DELETE [base]/[type]?criteria, which deletes every
 * match up to a configured limit (more matches are a 412). A delete stores a deleted version; older versions stay
 * readable with vread; with If-Match, only while the resource is at that version (412 otherwise). With
 * {@code hardDelete=true}, Microsoft's FHIR server's parameter, the deleted resources' older versions are purged once
 * the deletion commits, so that nothing of their data stays (the deletion itself stays, for the change feed); not in
 * a bundle entry, whose deletion commits with the bundle. Under a restriction, a resource outside it is not known
 * (404), as one never stored: whether it is deleted already or not, whatever If-Match says.
 * https://hl7.org/fhir/R4/http.html#delete
 */
public final class Delete implements WriteInteraction {
  private static final String HARD_DELETE = "hardDelete";

  private final Store store;
  private final Writes writes;
  private final Conditions conditions;
  private final Commits commits;
  private final int conditionalMax;

  public Delete(Store store, Writes writes, Conditions conditions, Commits commits, int conditionalMax) {
    this.store = store;
    this.writes = writes;
    this.conditions = conditions;
    this.commits = commits;
    this.conditionalMax = conditionalMax;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return isHard(request) ? commits.run(this, request, this::purgeHistory) : commits.run(this, request);
  }

  /**
   * Deletes each of these resources (each request a DELETE of one by id) and commits the deletions in one transaction
   * with the job progress that {@code progress} makes of their outcomes: see {@link Commits#runAllRecorded}. A hard
   * delete's purge is its caller's, once this returns.
   */
  public Optional<List<Commits.Outcome>> handleAllRecorded(List<FhirRequest> requests,
      Function<List<Commits.Outcome>, JobHeartbeat> progress) {
    return commits.runAllRecorded(this, requests, progress);
  }

  /** Once the deletion has committed, purges the history of each deleted resource. */
  private void purgeHistory(Target deleted) {
    for (String id : deleted.ids()) {
      // A resource written again since its deletion keeps its history, as would one a soft delete left alive: the
      // store checks under its lock, as a write may come between a check here and the purge.
      store.purgeDeletedHistory(deleted.type(), id);
    }
  }

  /** Whether the request asks for a hard delete; a 400 for a value other than true or false. */
  private static boolean isHard(FhirRequest request) {
    String value = request.param(HARD_DELETE);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (!value.equals("true")) {
      throw FhirException.badRequest(HARD_DELETE + " is true or false, not '" + value + "'.");
    }
    return true;
  }

  @Override
  public Target target(FhirRequest request) {
    if (isHard(request) && request.isEntry()) {
      throw FhirException.badRequest("A bundle entry cannot delete with " + HARD_DELETE + "=true: delete there, then"
          + " purge each resource's history with DELETE [type]/[id]/$purge-history.");
    }
    if (request.id() != null) {
      return new Target(request.type(), List.of(request.id()), null, false);
    }
    Map<String, List<String>> criteria = new LinkedHashMap<>(request.query());
    criteria.remove(HARD_DELETE);
    List<String> ids = conditions.matches(request.type(), criteria, conditionalMax, request.restriction());
    if (ids.size() > conditionalMax) {
      throw FhirException.preconditionFailed("The criteria match more than " + conditionalMax + " " + request.type()
          + " resources, the most one conditional delete may remove.");
    }
    return new Target(request.type(), ids, null, false);
  }

  @Override
  public Prepared prepare(FhirRequest request, Target target, Links links, Currents currents) {
    List<Write> deletions = new ArrayList<>();
    List<ResourceVersion> deleted = new ArrayList<>();
    for (String id : target.ids()) {
      ResourceVersion current = currents.of(target.type(), id).orElse(null);
      if (current == null && request.id() != null) {
        throw FhirException.notFound(target.type(), id);
      }
      commits.checkReached(request, current);
      Commits.checkIfMatch(request, target.type(), id, current);
      if (current != null && !current.deleted()) {
        deletions.add(writes.deletion(current, request.caller().source()));
        deleted.add(current);
      }
    }
    return new Prepared(deletions, answer(request, deletions), deleted);
  }

  private static FhirResponse answer(FhirRequest request, List<Write> deletions) {
    FhirResponse response = request.prefer().returns() == Prefer.Return.OPERATION_OUTCOME
        ? FhirResponse.ok(Outcomes.information("Deleted " + deletions.size() + " resource(s)."))
        : FhirResponse.empty(204);
    if (deletions.size() == 1) {
      response.header("ETag", deletions.get(0).toVersion().etag());
    }
    return response;
  }
}
