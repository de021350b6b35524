package io.brazier.server.interaction;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Narratives;
import io.brazier.fhir.Numbers;
import io.brazier.fhir.RequiredBindings;
import io.brazier.fhir.RequiredElements;
import io.brazier.server.http.Body;
import io.brazier.server.FhirRequest;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads a request's body as the resource the URL names, with the base R4 rules: HAPI's strict parser, the required
 * elements, the required bindings and the narratives' HTML. Lenient mode drops what the parser cannot read and skips
 * the elements and bindings, not the narratives (a script there endangers readers, it is not sloppy data). A JSON
 * body stays a tree until a write parses it from the tree it has edited (ids, meta, references); an XML body is
 * parsed at once.
 */
public final class Bodies {
  private final Fhir fhir;
  private final RequiredElements elements;
  private final RequiredBindings bindings;

  public Bodies(Fhir fhir) {
    this.fhir = fhir;
    this.elements = new RequiredElements(fhir);
    this.bindings = new RequiredBindings(fhir);
  }

  public Body body(FhirRequest request) {
    Body body = request.parsedBody() != null ? request.parsedBody() : read(request);
    if (!request.type().equals(body.type())) {
      throw FhirException.badRequest("The body is a " + body.type() + " but the URL names " + request.type() + ".");
    }
    return body;
  }

  /**
   * A JSON resource read as a tree, whose numbers the caller has checked ({@link Numbers}): it is parsed, with the
   * base R4 rules, when a write first needs its model.
   */
  public Body tree(ObjectNode tree) {
    return tree(tree, "body");
  }

  /**
   * A JSON resource as {@link #tree(ObjectNode)} takes it, read from {@code what} (a line, a bundle's entry), which
   * its 400s name.
   */
  public Body tree(ObjectNode tree, String what) {
    return Body.of(fhir, tree, this::check, what);
  }

  private Body read(FhirRequest request) {
    if (request.bodyFormat() == Format.XML) {
      Resource resource = fhir.parse(Format.XML, request.body());
      check(resource);
      return Body.of(resource);
    }
    Numbers.check(request.body(), Format.JSON);
    if (Body.read(request.body()) instanceof ObjectNode tree && tree.path("resourceType").isTextual()) {
      return tree(tree);
    }
    throw FhirException.invalid("The body is not a FHIR resource: a JSON object with a resourceType.");
  }

  /**
   * The base R4 rules the parser cannot apply, for a resource made some other way (patched, or an entry of a
   * transaction): the narratives' HTML, and unless lenient the required elements (minimum cardinalities; the parser
   * holds the maximums) and the required bindings.
   */
  public void check(Resource resource) {
    Narratives.check(resource);
    if (!fhir.lenient()) {
      elements.check(resource);
      bindings.check(resource);
    }
  }
}
