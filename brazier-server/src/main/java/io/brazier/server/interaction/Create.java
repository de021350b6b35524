package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.http.Body;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Write;
import java.util.List;


/**
 * FHIR create: POST [base]/[type], conditional with If-None-Exist. The server assigns the id; an id in the body is
 * ignored, as the spec says. https://hl7.org/fhir/R4/http.html#create. A conditional create that matches a
 * placeholder stores the resource as the placeholder's next version: the resource it stood in for has come.
 */
public final class Create implements WriteInteraction {
  private final Bodies bodies;
  private final Writes writes;
  private final Conditions conditions;
  private final Commits commits;
  private final ProfileValidationOnWrite profiles;

  public Create(Bodies bodies, Writes writes, Conditions conditions, Commits commits,
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
    String ifNoneExist = request.header("If-None-Exist");
    if (ifNoneExist != null && !ifNoneExist.isBlank()) {
      List<String> matches = conditions.matches(request.type(), ifNoneExist, 1, request.restriction());
      if (matches.size() > 1) {
        throw FhirException.preconditionFailed("If-None-Exist '" + ifNoneExist + "' matches more than one "
            + request.type() + ".");
      }
      if (matches.size() == 1) {
        return new Target(request.type(), matches, body, true);
      }
    }
    return Target.of(request.type(), writes.newId(), body);
  }

  @Override
  public Prepared prepare(FhirRequest request, Target target, Links links, Currents currents) {
    ResourceVersion current = null;
    if (target.matched()) {
      target.body().resource(); // a body that breaks the rules is a 400 even when nothing is written
      current = currents.of(target.type(), target.id())
          .filter(version -> !version.deleted())
          .orElseThrow(() -> FhirException.conflict("The matching resource was deleted meanwhile; retry."));
      if (!Placeholders.isPlaceholder(current)) {
        return new Prepared(List.of(), FhirResponse.written(request, 200, current));
      }
    }
    links.resolve(target.body());
    Write write = writes.next(target.body(), target.id(), current, request.caller().source());
    profiles.check(request, write, true);
    return new Prepared(List.of(write), FhirResponse.written(request, 201, write.toVersion()));
  }
}
