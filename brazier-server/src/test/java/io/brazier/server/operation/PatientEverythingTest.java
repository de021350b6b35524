package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.SyntheaSample;
import io.brazier.server.TestServer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class PatientEverythingTest {
  private static final String PATIENT = "aca6f94f-a0ce-f8cb-02c2-5323708e8ab5";
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void everythingPagesThroughThePatientItsCompartmentAndWhatTheyReferTo() {
    List<Resource> sample = SyntheaSample.resources();
    Set<String> expected = new HashSet<>();
    for (Resource resource : sample) {
      if (resource.fhirType().equals("Patient") ? resource.getIdPart().equals(PATIENT)
          : fhirJson(resource).contains("\"Patient/" + PATIENT + "\"")) {
        expected.add(resource.fhirType() + "/" + resource.getIdPart());
      }
    }

    Set<String> matched = new HashSet<>();
    Set<String> included = new HashSet<>();
    Bundle page = everything("_count=10");
    while (page != null) {
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        String id = entry.getResource().fhirType() + "/" + entry.getResource().getIdPart();
        (entry.getSearch().getMode() == SearchEntryMode.MATCH ? matched : included).add(id);
      }
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }

    assertThat(matched).isEqualTo(expected);
    assertThat(included).anyMatch(id -> id.startsWith("Practitioner/"));
    assertThat(included).anyMatch(id -> id.startsWith("Organization/"));
  }

  @Test
  void typeAndStartNarrowEverything() {
    SyntheaSample.resources();

    Bundle encounters = everything("_type=Encounter&start=2021-01-01&_count=1000");

    assertThat(encounters.getEntry()).filteredOn(e -> e.getSearch().getMode() == SearchEntryMode.MATCH)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getResource().fhirType()).isEqualTo("Encounter"))
        .allSatisfy(e -> assertThat(((org.hl7.fhir.r4.model.Encounter) e.getResource()).getPeriod().getEnd())
            .isAfterOrEqualTo("2021-01-01"));
  }

  @Test
  void everythingOfADeletedPatientIsGoneAndOfAnUnknownOneNotFound() {
    String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    client.delete().resourceById("Patient", id).execute();

    assertThatThrownBy(() -> client.operation().onInstance("Patient/" + id).named("$everything")
        .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> client.operation().onInstance("Patient/never-stored").named("$everything")
        .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  private Bundle everything(String query) {
    return client.search().byUrl(TestServer.shared().baseUrl() + "/Patient/" + PATIENT + "/$everything?" + query)
        .returnBundle(Bundle.class).execute();
  }

  private static String fhirJson(Resource resource) {
    return TestServer.shared().fhir().jsonParser().encodeResourceToString(resource);
  }
}
