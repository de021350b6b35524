package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Prefer;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.List;

/**
 * FHIR delete: DELETE [base]/[type]/[id], and conditional delete DELETE [base]/[type]?criteria, which deletes every
 * match up to a configured limit (more matches are a 412). A delete stores a deleted version; older versions stay
 * readable with vread; with If-Match, only while the resource is at that version (412 otherwise).
 * https://hl7.org/fhir/R4/http.html#delete
 */
public final class Delete implements WriteInteraction {
  private final Writes writes;
  private final Conditions conditions;
  private final Commits commits;
  private final int conditionalMax;

  public Delete(Writes writes, Conditions conditions, Commits commits, int conditionalMax) {
    this.writes = writes;
    this.conditions = conditions;
    this.commits = commits;
    this.conditionalMax = conditionalMax;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return commits.run(this, request);
  }

  @Override
  public Target target(FhirRequest request) {
    if (request.id() != null) {
      return new Target(request.type(), List.of(request.id()), null, false);
    }
    List<String> ids = conditions.matches(request.type(), request.query(), conditionalMax,
        request.restriction());
    if (ids.size() > conditionalMax) {
      throw FhirException.preconditionFailed("The criteria match more than " + conditionalMax + " " + request.type()
          + " resources, the most one conditional delete may remove.");
    }
    return new Target(request.type(), ids, null, false);
  }

  @Override
  public Prepared prepare(FhirRequest request, Target target, Links links, Currents currents) {
    List<Write> deletions = new ArrayList<>();
    for (String id : target.ids()) {
      ResourceVersion current = currents.of(target.type(), id).orElse(null);
      if (current == null && request.id() != null) {
        throw FhirException.notFound(target.type(), id);
      }
      Commits.checkIfMatch(request, target.type(), id, current);
      if (current != null && !current.deleted()) {
        deletions.add(writes.deletion(current, request.caller().source()));
      }
    }
    return new Prepared(deletions, answer(request, deletions));
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
