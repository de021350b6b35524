package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.Body;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Write;
import java.util.List;

/**
 * FHIR update: PUT [base]/[type]/[id] (creating the resource with the client's id when it does not exist), and
 * conditional update PUT [base]/[type]?criteria. If-Match makes it optimistic: a stale version is a 412. Without
 * If-Match a write that races another is prepared again on the new current version, so no write is ever lost.
 * https://hl7.org/fhir/R4/http.html#update
 */
public final class Update implements WriteInteraction {
  private final Bodies bodies;
  private final Writes writes;
  private final Conditions conditions;
  private final Commits commits;
  private final ProfileValidationOnWrite profiles;

  public Update(Bodies bodies, Writes writes, Conditions conditions, Commits commits,
      ProfileValidationOnWrite profiles) {
    this.bodies = bodies;
    this.writes = writes;
    this.conditions = conditions;
    this.commits = commits;
    this.profiles = profiles;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return commits.run(this, request);
  }

  @Override
  public Target target(FhirRequest request) {
    Body body = bodies.body(request);
    String id = request.id() != null ? request.id() : conditionalTarget(request, body);
    String bodyId = body.id();
    if (request.id() != null && bodyId == null) {
      throw FhirException.badRequest("The body of an update must carry the id of the URL, " + id + ".");
    }
    if (bodyId != null && !bodyId.equals(id)) {
      throw FhirException.badRequest("The body's id " + bodyId + " does not match the id " + id + " of the URL.");
    }
    if (!Fhir.isValidId(id)) {
      throw FhirException.badRequest("'" + id + "' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).");
    }
    return Target.of(request.type(), id, body);
  }

  /** The one resource the criteria match, or a new server id when they match none. */
  private String conditionalTarget(FhirRequest request, Body body) {
    List<String> matches = conditions.matches(request.type(), request.query(), 1, request.restriction());
    if (matches.size() > 1) {
      throw FhirException.preconditionFailed("The criteria of this conditional update match more than one "
          + request.type() + ".");
    }
    if (matches.isEmpty()) {
      return body.id() != null ? body.id() : writes.newId();
    }
    return matches.get(0);
  }

  @Override
  public Prepared prepare(FhirRequest request, Target target, Links links, Currents currents) {
    ResourceVersion current = currents.of(target.type(), target.id()).orElse(null);
    commits.checkReached(request, current);
    Commits.checkIfMatch(request, target.type(), target.id(), current);
    links.resolve(target.body());
    Write next = writes.next(target.body(), target.id(), current, request.caller().source());
    Write write = current == null ? next.byPut() : next;
    profiles.check(request, write, false);
    int status = current == null || current.deleted() ? 201 : 200;
    return new Prepared(List.of(write), FhirResponse.written(request, status, write.toVersion()),
        current == null ? List.of() : List.of(current));
  }
}
