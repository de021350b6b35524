package io.brazier.proxy.processor;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.proxy.CallerReach;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.server.Caller;
import io.brazier.server.Restriction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.BiFunction;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code participant-filter} and {@code consent-opt-out}, post-processors: the answers of a server that knows
 * nothing of patient isolation kept to what isolation lets the caller reach ({@link CallerReach}: the patients it
 * takes part in the care of, or all but those whose opt-outs deny it). A resource lies within when the patients
 * whose compartments it is in (through the parameters R4's Patient CompartmentDefinition names for its type, as
 * Brazier's server decides it) are reached; types without members in the compartment (Practitioner,
 * Organization...) are not restricted. A read outside is a 404, which discloses nothing; a page loses its entries
 * outside, and with them its {@code total}. Writes pass: what a caller may write is authorization's to decide.
 */
final class PatientFilter implements Processor {
  private static final String PATIENT = "Patient";

  private final Fhir fhir;
  private final FhirSearch search;
  private final Compartments compartments;
  private final BiFunction<CallerReach, Caller, Restriction> restriction;

  /** @param restriction the part of isolation this filter applies */
  PatientFilter(Fhir fhir, BiFunction<CallerReach, Caller, Restriction> restriction) {
    this.fhir = fhir;
    this.search = new FhirSearch(fhir);
    this.compartments = search.compartments();
    this.restriction = restriction;
  }

  @Override
  public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
    boolean read = request.method().equals("GET") || request.method().equals("HEAD")
        || request.path().endsWith("_search");
    if (!read || response.status() != 200 || request.reach() == null) {
      return response;
    }
    Restriction kept = restriction.apply(request.reach(), request.caller());
    Resource resource = kept == null ? null : response.resource();
    if (resource instanceof Bundle bundle) {
      leaveOut(bundle, kept);
    } else if (resource != null && !reaches(kept, resource)) {
      String type = resource.fhirType();
      return ProxyResponse.of(404, FhirException.notFound(type, resource.getIdElement().getIdPart()).outcome());
    }
    return response;
  }

  /**
   * The page without its entries outside {@code kept}; if it lost a match, without its total too. It says nothing
   * of what it lost, which would tell what the patients outside have: the host of the chain keeps requests to the
   * same reach itself, and says on every page that may have lost entries that it may have.
   */
  private void leaveOut(Bundle bundle, Restriction kept) {
    boolean lostMatch = false;
    for (Iterator<BundleEntryComponent> entries = bundle.getEntry().iterator(); entries.hasNext(); ) {
      BundleEntryComponent entry = entries.next();
      if (entry.hasResource() && !reaches(kept, entry.getResource())) {
        entries.remove();
        lostMatch |= entry.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE;
      }
    }
    if (lostMatch) {
      bundle.setTotalElement(null);
    }
  }

  private boolean reaches(Restriction kept, Resource resource) {
    String type = resource.fhirType();
    if (!type.equals(PATIENT) && !compartments.params(PATIENT).containsKey(type)) {
      return true;
    }
    byte[] json = fhir.jsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    return kept.reaches(compartments.owners(PATIENT, type, resource.getIdElement().getIdPart(), search.index(json)));
  }
}
