package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.RuntimeSearchParam;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.SearchIndex.ReferenceEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CompartmentsTest {
  private static final Compartments COMPARTMENTS = new Compartments();

  @Test
  void theTableIsWhatHapisModelOfEveryTypeSays() throws JsonProcessingException {
    Fhir fhir = new Fhir(false);
    Map<String, Map<String, List<String>>> fromModel = new TreeMap<>();
    for (String type : fhir.resourceTypes()) {
      for (RuntimeSearchParam param : fhir.definition(type).getSearchParams()) {
        Set<String> compartments = param.getProvidesMembershipInCompartments();
        if (compartments != null) {
          compartments.forEach(compartment -> fromModel.computeIfAbsent(compartment, c -> new TreeMap<>())
              .computeIfAbsent(type, t -> new ArrayList<>()).add(param.getName()));
        }
      }
    }

    SpecificationTables.assertCurrent(Compartments.TABLE,
        Jackson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(fromModel) + "\n");
    assertThat(fromModel.keySet()).isEqualTo(Compartments.TYPES);
    fromModel.forEach((compartment, params) -> assertThat(COMPARTMENTS.params(compartment)).isEqualTo(params));
  }

  @Test
  void theParametersOfTheR4PatientCompartmentDefinitionAreKnownByType() {
    assertThat(COMPARTMENTS.params("Patient").get("Observation")).containsExactlyInAnyOrder("subject", "performer");
    assertThat(COMPARTMENTS.params("Patient").get("Patient")).containsExactly("link");
    assertThat(COMPARTMENTS.params("Patient")).doesNotContainKey("Practitioner");
  }

  @Test
  void aResourceIsInTheCompartmentsOfThePatientsItRefersToThroughTheCompartmentsParameters() {
    SearchIndex index = new SearchIndex.Builder()
        .add(new ReferenceEntry("subject", "Patient", "p1", null, null))
        .add(new ReferenceEntry("performer", "Patient", "p2", null, null))
        .add(new ReferenceEntry("performer", "Practitioner", "d1", null, null))
        .add(new ReferenceEntry("focus", "Patient", "p3", null, null))
        .add(new ReferenceEntry(SearchIndex.containedOf("Patient", "link"), "Patient", "p4", null, null))
        .build();

    assertThat(COMPARTMENTS.owners("Patient", "Observation", "o1", index)).containsExactly("p1", "p2");
    assertThat(COMPARTMENTS.owners("Practitioner", "Observation", "o1", index)).containsExactly("d1");
  }

  @Test
  void aPatientIsInItsOwnCompartment() {
    assertThat(COMPARTMENTS.owners("Patient", "Patient", "p1", SearchIndex.EMPTY)).containsExactly("p1");
  }
}
