package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.RequiredBindings;
import io.brazier.server.http.FhirRequest;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads a request's body as the resource the URL names, with the base R4 rules: HAPI's strict parser and the
 * required bindings. Lenient mode drops what the parser cannot read and skips the bindings.
 */
public final class Bodies {
  private final Fhir fhir;
  private final RequiredBindings bindings;

  public Bodies(Fhir fhir) {
    this.fhir = fhir;
    this.bindings = new RequiredBindings(fhir);
  }

  /** Starts the one slow part, finding the required bindings, in the background. */
  public void warmUp() {
    bindings.warmUp();
  }

  public Resource resource(FhirRequest request) {
    Resource resource = fhir.parse(request.bodyFormat(), request.body());
    if (!resource.fhirType().equals(request.type())) {
      throw FhirException.badRequest("The body is a " + resource.fhirType() + " but the URL names "
          + request.type() + ".");
    }
    check(resource);
    return resource;
  }

  /**
   * The base R4 rules the parser cannot apply, for a resource made some other way (patched, or an entry of a
   * transaction): the required bindings, unless lenient.
   */
  public void check(Resource resource) {
    if (!fhir.lenient()) {
      bindings.check(resource);
    }
  }
}
