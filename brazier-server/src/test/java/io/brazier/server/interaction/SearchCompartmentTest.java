package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class SearchCompartmentTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void aPatientCompartmentHoldsTheResourcesAboutThePatient() {
    String patient = client.create().resource(SearchTypeTest.patient("Compartment", "A")).execute().getId()
        .getIdPart();
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8302-2");
    String o = client.create().resource(observation).execute().getId().getIdPart();
    Condition condition = new Condition().setSubject(new Reference("Patient/" + patient));
    String c = client.create().resource(condition).execute().getId().getIdPart();
    client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(observation.getCode())).execute();

    Bundle observations = client.search().byUrl(TestServer.shared().baseUrl() + "/Patient/" + patient + "/Observation?code=8302-2")
        .returnBundle(Bundle.class).execute();
    Bundle everything = client.search().byUrl(TestServer.shared().baseUrl() + "/Patient/" + patient + "/*").returnBundle(Bundle.class).execute();

    assertThat(observations.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(o);
    assertThat(everything.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactlyInAnyOrder(patient, o, c);
  }

  @Test
  void aCompartmentIsSearchedByPostToo() {
    String patient = client.create().resource(SearchTypeTest.patient("Compartment", "Post")).execute().getId()
        .getIdPart();
    Condition condition = new Condition().setSubject(new Reference("Patient/" + patient));
    condition.getCode().setText("posted");
    String c = client.create().resource(condition).execute().getId().getIdPart();
    client.create().resource(new Condition().setSubject(new Reference("Patient/" + patient))).execute();
    Http http = TestServer.shared().http();

    Bundle conditions = http.post("/fhir/Patient/" + patient + "/Condition/_search", "code:text=posted",
        "Content-Type", "application/x-www-form-urlencoded").resource(Bundle.class);
    Bundle everything = http.post("/fhir/Patient/" + patient + "/_search", "_count=10",
        "Content-Type", "application/x-www-form-urlencoded").resource(Bundle.class);

    assertThat(conditions.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(c);
    assertThat(everything.getTotal()).isEqualTo(3); // the patient and both conditions
  }

  @Test
  void aSearchInSomethingThatIsNotACompartmentIsA400() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.search().byUrl(TestServer.shared().baseUrl() + "/Organization/1/Patient")
        .returnBundle(Bundle.class).execute())
        .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.InvalidRequestException.class);
  }
}
