package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.junit.jupiter.api.Test;

/** Validation against the base R4 definitions and stored profiles: https://hl7.org/fhir/R4/validation.html */
class InstanceValidatorTest {
  private static final String PROFILE = "http://x.org/fhir/StructureDefinition/patient-with-birthdate";
  private static final Fhir FHIR = new Fhir(false);
  // Building a validator reads every R4 definition: the tests share one.
  private static final InstanceValidator VALIDATOR = new InstanceValidator(FHIR, definitions());

  @Test
  void aValidResourceHasNoErrors() {
    OperationOutcome outcome = VALIDATOR.validate(patient("\"gender\":\"female\""), List.of());

    assertThat(errors(outcome)).isEmpty();
  }

  @Test
  void aCodeOutsideItsRequiredBindingIsAnError() {
    OperationOutcome outcome = VALIDATOR.validate(patient("\"gender\":\"fem\""), List.of());

    assertThat(errors(outcome)).anyMatch(issue -> issue.getDiagnostics().contains("fem"));
  }

  @Test
  void aHeldProfileGivenAsADifferentialIsEnforced() {
    OperationOutcome missing = VALIDATOR.validate(patient("\"gender\":\"female\""), List.of(PROFILE));
    OperationOutcome present = VALIDATOR.validate(patient("\"birthDate\":\"1970-01-01\""), List.of(PROFILE));

    assertThat(errors(missing)).anyMatch(issue -> issue.getDiagnostics().contains("birthDate"));
    assertThat(errors(present)).isEmpty();
  }

  @Test
  void aProfileThatIsNotHeldIsAWarningNotAnError() {
    String patient = "{\"resourceType\":\"Patient\",\"meta\":{\"profile\":"
        + "[\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient\"]}}";

    assertThat(errors(VALIDATOR.validate(patient, List.of()))).isEmpty();
  }

  @Test
  void itKnowsWhichDefinitionsItHolds() {
    assertThat(VALIDATOR.holds("http://hl7.org/fhir/StructureDefinition/Patient")).isTrue();
    assertThat(VALIDATOR.holds(PROFILE)).isTrue();
    assertThat(VALIDATOR.holds("http://x.org/fhir/StructureDefinition/unknown")).isFalse();
  }

  private static String patient(String element) {
    return "{\"resourceType\":\"Patient\"," + element + "}";
  }

  private static List<OperationOutcome.OperationOutcomeIssueComponent> errors(OperationOutcome outcome) {
    return outcome.getIssue().stream().filter(issue -> issue.getSeverity() == IssueSeverity.ERROR
        || issue.getSeverity() == IssueSeverity.FATAL).toList();
  }

  private static PrePopulatedValidationSupport definitions() {
    StructureDefinition profile = new StructureDefinition();
    profile.setUrl(PROFILE).setName("PatientWithBirthDate").setStatus(PublicationStatus.ACTIVE)
        .setKind(StructureDefinitionKind.RESOURCE).setAbstract(false).setType("Patient")
        .setBaseDefinition("http://hl7.org/fhir/StructureDefinition/Patient")
        .setDerivation(TypeDerivationRule.CONSTRAINT).setFhirVersion(FHIRVersion._4_0_1);
    profile.getDifferential().addElement().setPath("Patient").setId("Patient");
    profile.getDifferential().addElement().setPath("Patient.birthDate").setMin(1).setId("Patient.birthDate");
    PrePopulatedValidationSupport definitions = new PrePopulatedValidationSupport(FHIR.context());
    definitions.addStructureDefinition(profile);
    return definitions;
  }
}
