package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.http.FhirRequest;
import java.io.ByteArrayInputStream;
import org.hl7.fhir.r4.model.Resource;

/** Reads a request's body as the resource the URL names, with the base R4 rules. */
public final class Bodies {
  private final Fhir fhir;

  public Bodies(Fhir fhir) {
    this.fhir = fhir;
  }

  public Resource resource(FhirRequest request) {
    Resource resource = request.resource() != null ? request.resource()
        : fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()));
    if (!resource.fhirType().equals(request.type())) {
      throw FhirException.badRequest("The body is a " + resource.fhirType() + " but the URL names "
          + request.type() + ".");
    }
    return resource;
  }
}
