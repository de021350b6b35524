package io.brazier.fhir.search;

import ca.uhn.fhir.context.RuntimeSearchParam;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.SearchIndex.ReferenceEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

  /** Whether resources of {@code type} can be in a compartment of type {@code compartment} (its owners included). */
  public boolean hasMembers(String compartment, String type) {
    return type.equals(compartment) || params(compartment).containsKey(type);
  }

  /**
   * The owners of the compartments of type {@code compartment} that a resource is in, by its index values: the
   * targets of its references through the parameters named for its type, and the resource itself when it is of the
   * compartment's type (a patient is in its own compartment).
   */
  public Set<String> owners(String compartment, String type, String id, SearchIndex index) {
    List<String> params = params(compartment).getOrDefault(type, List.of());
    Set<String> owners = new TreeSet<>();
    if (type.equals(compartment)) {
      owners.add(id);
    }
    for (ReferenceEntry reference : index.references()) {
      if (compartment.equals(reference.targetType()) && params.contains(reference.param())) {
        owners.add(reference.targetId());
      }
    }
    return owners;
  }
}
