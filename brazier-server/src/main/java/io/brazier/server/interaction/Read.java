package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.ResourceVersion;

/**
 * FHIR read: GET [base]/[type]/[id], conditional with If-None-Match and If-Modified-Since. A resource outside the
 * request's restriction is not known (404), deleted or not. https://hl7.org/fhir/R4/http.html#read
 */
public final class Read implements Interaction {
  private final Reachable reachable;

  public Read(Reachable reachable) {
    this.reachable = reachable;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    ResourceVersion current = reachable.live(request.restriction(), request.type(), request.id());
    return request.notModified(current) ? FhirResponse.notModified(current) : FhirResponse.ok(current);
  }
}
