package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.Processors;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.TestServer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code profile-validation} on a secured server: the test profiles directory holds a Patient profile as a
 * StructureDefinition file, an Observation profile in a FHIR package (.tgz), and a policy that lets Patients'
 * warnings pass and fails Encounters' warnings.
 */
class ProfileValidationTest {
  private static final SecuredServer SERVER = SecuredServer.start(new ProcessorConfig(
      List.of("profile-validation"), List.of(), profiles(), Map.of()));
  private static final IGenericClient CLIENT = SERVER.client("Writer", "Reader");

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  static Path profiles() {
    try {
      return Path.of(ProfileValidationTest.class.getResource("/profiles").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aPatientThatMeetsItsProfileIsCreatedAndOneThatFailsIsA400WithTheValidatorsOutcome() {
    Patient identified = new Patient();
    identified.addIdentifier().setSystem("urn:mrn").setValue("7");

    IIdType created = CLIENT.create().resource(identified).execute().getId();

    assertThat(created.getIdPart()).isNotBlank();
    assertThatThrownBy(() -> CLIENT.create().resource(new Patient().setActive(true)).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(diagnostics(e))
            .contains("Patient.identifier").contains("minimum required = 1"));
  }

  @Test
  void aProfileFromAPackageIsEnforcedOnUpdatesToo() {
    Observation dated = observation().setEffective(new DateTimeType("2024-05-01"));
    IIdType id = CLIENT.create().resource(dated).execute().getId().toUnqualifiedVersionless();
    Observation undated = observation();
    undated.setId(id);

    assertThatThrownBy(() -> CLIENT.update().resource(undated).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(diagnostics(e))
            .contains("Observation.effective[x]"));
    assertThat(CLIENT.read().resource(Observation.class).withId(id).execute().hasEffective()).isTrue();
  }

  @Test
  void warningsFailOnlyWhereThePolicySaysSo() {
    Encounter withoutNarrative = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
    withoutNarrative.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");

    assertThatThrownBy(() -> CLIENT.create().resource(withoutNarrative).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(outcome(e).getIssue())
            .noneMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
            .anyMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.WARNING));
  }

  @Test
  void everyResourceOfATransactionIsValidatedAndOneFailureWritesNothing() {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Patient good = new Patient();
    good.addIdentifier().setSystem("urn:mrn").setValue("transaction-good");
    transaction.addEntry().setFullUrl("urn:uuid:9d4b2c9e-1111-4a7e-9f00-000000000001").setResource(good)
        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    transaction.addEntry().setResource(new Patient().setActive(false))
        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");

    assertThatThrownBy(() -> CLIENT.transaction().withBundle(transaction).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(diagnostics(e))
            .contains("Bundle.entry[1]").doesNotContain("Bundle.entry[0]"));
    assertThat(CLIENT.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly()
        .systemAndIdentifier("urn:mrn", "transaction-good")).returnBundle(Bundle.class).execute().getEntry())
        .isEmpty();
  }

  @Test
  void typesThePolicyDoesNotNameAreNotValidated() {
    // Abated yet active breaks the base invariant con-4, which the validator reports as an error.
    Condition condition = new Condition().setSubject(new Reference("Patient/" + aPatient()))
        .setAbatement(new DateTimeType("2024-01-01"));
    condition.getClinicalStatus().addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/condition-clinical").setCode("active");

    assertThat(CLIENT.create().resource(condition).execute().getId().getIdPart()).isNotBlank();
  }

  @Test
  void aPolicyNamingAProfileNoDefinitionHoldsStopsTheStart(@TempDir Path directory) throws Exception {
    Files.writeString(directory.resolve("policy.json"),
        "{\"Patient\": {\"profiles\": [\"http://example.org/no-such-profile\"]}}");
    ProcessorConfig config = new ProcessorConfig(List.of("profile-validation"), List.of(), directory, Map.of());

    assertThatThrownBy(() -> Processors.load(config, TestServer.shared().fhir()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://example.org/no-such-profile").hasMessageContaining("--profiles");
  }

  private static String aPatient() {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("urn:mrn").setValue("condition-subject");
    return CLIENT.create().resource(patient).execute().getId().getIdPart();
  }

  private static Observation observation() {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }

  private static OperationOutcome outcome(InvalidRequestException e) {
    return (OperationOutcome) e.getOperationOutcome();
  }

  private static String diagnostics(InvalidRequestException e) {
    return outcome(e).getIssue().stream().map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
        .reduce("", (all, one) -> all + "\n" + one);
  }
}
