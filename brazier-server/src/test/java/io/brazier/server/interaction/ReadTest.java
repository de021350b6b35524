package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class ReadTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void aCreatedResourceReadsBackWithServerMeta() {
    IIdType id = client.create().resource(patient("Chalmers")).execute().getId();

    Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();

    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Chalmers");
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    assertThat(read.getMeta().getLastUpdated()).isNotNull();
  }

  @Test
  void readOfAnUnknownResourceIsNotFound() {
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId("no-such-patient").execute())
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
  }

  @Test
  void readOfADeletedResourceIsGoneWithAnOperationOutcome() {
    IIdType id = client.create().resource(patient("Gone")).execute().getId();
    client.delete().resourceById(id.toVersionless()).execute();

    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
        .isInstanceOfSatisfying(ResourceGoneException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
  }

  static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Peter");
    return patient;
  }
}
