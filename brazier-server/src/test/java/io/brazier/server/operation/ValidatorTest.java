package io.brazier.server.operation;

import static io.brazier.server.operation.ValidateTest.errors;
import static io.brazier.server.operation.ValidateTest.patient;
import static io.brazier.server.operation.ValidateTest.profile;
import static io.brazier.server.operation.ValidateTest.withResource;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validator one node keeps, with what it derived from the stored definitions, against definitions that another
 * node changes: the next validation on this node checks against the definitions as they are in the database, not as
 * they were when this node first served them. Only this node validates; the other writes.
 */
class ValidatorTest {
  private static TestServer validating;
  private static TestServer writing;

  private final IGenericClient validator = validating.client();
  private final IGenericClient writer = writing.client();

  @BeforeAll
  static void start() {
    validating = TestServer.shared();
    writing = validating.secondNode();
  }

  @AfterAll
  static void stop() {
    writing.close();
  }

  @Test
  void aProfileUpdatedAndThenDeletedOnAnotherNodeIsCheckedAsItIsNow() {
    String url = "http://brazier.test/fhir/StructureDefinition/patient-elsewhere-" + UUID.randomUUID();
    Parameters request = withResource(patient()).addParameter("profile", new UriType(url));
    String id = writer.create().resource(profile(url, "Patient.birthDate")).execute().getId().getIdPart();
    assertThat(errors(validate(request))).anyMatch(d -> d.contains("Patient.birthDate"));

    StructureDefinition updated = profile(url, "Patient.telecom");
    updated.setId(id);
    writer.update().resource(updated).execute();
    OperationOutcome afterUpdate = validate(request);
    writer.delete().resourceById("StructureDefinition", id).execute();
    OperationOutcome afterDelete = validate(request);

    assertThat(errors(afterUpdate)).anyMatch(d -> d.contains("Patient.telecom"))
        .noneMatch(d -> d.contains("Patient.birthDate"));
    assertThat(errors(afterDelete)).containsExactly("Profile " + url + " is not held by this server, so the"
        + " resource was not checked against it: create its StructureDefinition first.");
  }

  @Test
  void aStoredProfileDerivedFromAnotherStoredOneChecksBoth() {
    String base = "http://brazier.test/fhir/StructureDefinition/patient-base-" + UUID.randomUUID();
    String derived = "http://brazier.test/fhir/StructureDefinition/patient-derived-" + UUID.randomUUID();
    writer.create().resource(profile(base, "Patient.birthDate")).execute();
    StructureDefinition child = profile(derived, "Patient.telecom").setBaseDefinition(base);
    writer.create().resource(child).execute();

    OperationOutcome outcome = validate(withResource(patient()).addParameter("profile", new UriType(derived)));

    assertThat(errors(outcome)).anyMatch(d -> d.contains("Patient.telecom"))
        .anyMatch(d -> d.contains("Patient.birthDate"));
  }

  private OperationOutcome validate(Parameters parameters) {
    return validator.operation().onType(Patient.class).named("$validate").withParameters(parameters)
        .returnResourceType(OperationOutcome.class).execute();
  }
}
