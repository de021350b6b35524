package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class SearchTypeTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void aSearchByFamilyFindsThePatientsWhoseNameStartsWithIt() {
    String family = "Fam" + UUID.randomUUID().toString().substring(0, 8);
    client.create().resource(patient(family, "Ann")).execute();
    client.create().resource(patient(family + "son", "Bob")).execute();
    client.create().resource(patient("Other" + family, "Cid")).execute();

    Bundle found = client.search().byUrl("Patient?family=" + family.toLowerCase()).returnBundle(Bundle.class)
        .execute();

    assertThat(found.getTotal()).isEqualTo(2);
    assertThat(given(found)).containsExactlyInAnyOrder("Ann", "Bob");
  }

  static List<String> given(Bundle bundle) {
    return bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient)
        .map(e -> ((Patient) e.getResource()).getNameFirstRep().getGivenAsSingleString()).toList();
  }

  static Patient patient(String family, String given) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven(given);
    return patient;
  }
}
