package io.brazier.fhir.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.search.SearchIndex.ReferenceEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The compartments of R4 (Patient, Encounter, RelatedPerson, Practitioner, Device): for each, the parameters through
 * which a resource of each type belongs to one, as R4's CompartmentDefinitions say. They come from {@link #TABLE},
 * made at build time from HAPI's model of every type (see {@link SpecificationTable}), which a start thus need not
 * read. https://hl7.org/fhir/R4/compartmentdefinition.html
 */
public final class Compartments {
  public static final Set<String> TYPES = Set.of("Patient", "Encounter", "RelatedPerson", "Practitioner", "Device");
  static final String TABLE = "compartments.r4.json";

  private final Map<String, Map<String, List<String>>> byCompartment = new TreeMap<>();

  public Compartments() {
    SpecificationTable.read(TABLE).fields().forEachRemaining(compartment -> {
      Map<String, List<String>> byType = new TreeMap<>();
      compartment.getValue().fields().forEachRemaining(type -> byType.put(type.getKey(), names(type.getValue())));
      byCompartment.put(compartment.getKey(), byType);
    });
  }

  private static List<String> names(JsonNode params) {
    List<String> names = new ArrayList<>();
    params.forEach(param -> names.add(param.asText()));
    return List.copyOf(names);
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
