package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.SearchIndex.ReferenceEntry;
import org.junit.jupiter.api.Test;

class CompartmentsTest {
  private static final Compartments COMPARTMENTS = new Compartments(new Fhir(false));

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
