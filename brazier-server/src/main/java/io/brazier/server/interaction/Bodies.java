package io.brazier.server.interaction;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.http.Body;
import io.brazier.server.http.FhirRequest;
import java.io.ByteArrayInputStream;

/**
 * Reads a request's body as the resource the URL names. A JSON body stays a tree until a write parses it (with the
 * base R4 rules) from the tree it has edited; an XML body is parsed at once.
 */
public final class Bodies {
  private final Fhir fhir;

  public Bodies(Fhir fhir) {
    this.fhir = fhir;
  }

  public Body body(FhirRequest request) {
    Body body = request.parsedBody() != null ? request.parsedBody() : read(request);
    if (!request.type().equals(body.type())) {
      throw FhirException.badRequest("The body is a " + body.type() + " but the URL names " + request.type() + ".");
    }
    return body;
  }

  private Body read(FhirRequest request) {
    if (request.bodyFormat() == Format.XML) {
      return Body.of(fhir.parse(Format.XML, new ByteArrayInputStream(request.body())));
    }
    if (Body.read(request.body()) instanceof ObjectNode tree && tree.path("resourceType").isTextual()) {
      return Body.of(fhir, tree);
    }
    throw FhirException.invalid("The body is not a FHIR resource: a JSON object with a resourceType.");
  }
}
