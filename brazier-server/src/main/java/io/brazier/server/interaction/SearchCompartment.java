package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.Criterion.InCompartment;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FHIR compartment search: GET [base]/[Compartment]/[id]/[type]?... and [base]/[Compartment]/[id]/*, or by POST to
 * [base]/[Compartment]/[id]/[type]/_search and [base]/[Compartment]/[id]/_search, the resources that refer to the
 * compartment's owner through the parameters its CompartmentDefinition names.
 * https://hl7.org/fhir/R4/http.html#vsearch
 */
public final class SearchCompartment implements Interaction {
  private final Fhir fhir;
  private final Search search;
  private final Compartments compartments;

  public SearchCompartment(Fhir fhir, Search search, Compartments compartments) {
    this.fhir = fhir;
    this.search = search;
    this.compartments = compartments;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    Scoped scoped = scoped(request);
    return search.run(request, scoped.path(), scoped.types(), scoped.scope());
  }

  /** {@code [Compartment]/[id]/[type]/$includes}: the included resources of this search that did not fit a page. */
  FhirResponse moreIncludes(FhirRequest request) {
    Scoped scoped = scoped(request);
    return search.moreIncludes(request, scoped.path(), scoped.types(), scoped.scope());
  }

  /** The compartment search of {@code request}: its path (for links), the types it searches and the compartment. */
  private Scoped scoped(FhirRequest request) {
    String compartment = request.type();
    if (!Compartments.TYPES.contains(compartment)) {
      throw FhirException.badRequest(compartment + " is not a compartment; compartments are "
          + String.join(", ", Compartments.TYPES.stream().sorted().toList()) + ".");
    }
    String target = request.segment(2).equals("_search") ? "*" : request.segment(2);
    Map<String, List<String>> params = compartments.params(compartment);
    boolean all = target.equals("*");
    if (!all && !fhir.isResourceType(target)) {
      throw FhirException.unknownType(target);
    }
    List<String> types = all ? new ArrayList<>(params.keySet()) : List.of(target);
    if (all && !types.contains(compartment)) {
      types.add(compartment);
    }
    InCompartment scope = new InCompartment(compartment, List.of(request.id()), params, all);
    return new Scoped(compartment + "/" + request.id() + "/" + target, types, scope);
  }

  private record Scoped(String path, List<String> types, InCompartment scope) {}
}
