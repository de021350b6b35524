package io.brazier.fhir.search;

import ca.uhn.fhir.context.RuntimeSearchParam;
import io.brazier.fhir.Fhir;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The compartments of R4 (Patient, Encounter, RelatedPerson, Practitioner, Device): for each, the parameters through
 * which a resource of each type belongs to one, as HAPI's model records them from the CompartmentDefinitions.
 * https://hl7.org/fhir/R4/compartmentdefinition.html
 */
public final class Compartments {
  public static final Set<String> TYPES = Set.of("Patient", "Encounter", "RelatedPerson", "Practitioner", "Device");

  private final Map<String, Map<String, List<String>>> byCompartment = new TreeMap<>();

  public Compartments(Fhir fhir) {
    for (String type : fhir.resourceTypes()) {
      for (RuntimeSearchParam param : fhir.definition(type).getSearchParams()) {
        Set<String> compartments = param.getProvidesMembershipInCompartments();
        if (compartments == null) {
          continue;
        }
        for (String compartment : compartments) {
          byCompartment.computeIfAbsent(compartment, c -> new TreeMap<>())
              .computeIfAbsent(type, t -> new ArrayList<>()).add(param.getName());
        }
      }
    }
  }

  /** For each type with members in the compartment, the parameters that make them members. */
  public Map<String, List<String>> params(String compartment) {
    return byCompartment.getOrDefault(compartment, Map.of());
  }
}
