package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class RequiredElementsTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final RequiredElements ELEMENTS = new RequiredElements(FHIR);

  @Test
  void markedAbsentEveryTypeButOneHasWhatItRequiresWhenReadBack() {
    List<String> failed = new ArrayList<>();
    for (String type : FHIR.resourceTypes()) {
      Resource resource = (Resource) FHIR.definition(type).newInstance();
      ELEMENTS.markAbsent(resource);
      try {
        ELEMENTS.check(FHIR.parse(Format.JSON, FHIR.encode(Format.JSON, resource, false)));
      } catch (RuntimeException e) {
        failed.add(type + ": " + e.getMessage());
      }
    }
    // HAPI writes no extension of an id element: ImplementationGuide.packageId is one.
    assertThat(failed).containsExactly(
        "ImplementationGuide: ImplementationGuide.packageId is required (1..1) but missing.");
  }

  @Test
  void anElementMarkedAbsentSaysItsReasonIsUnknown() {
    Encounter encounter = new Encounter();

    ELEMENTS.markAbsent(encounter);

    assertThat(encounter.getStatusElement().getValue()).isNull();
    assertThat(encounter.getStatusElement().getExtensionString(
        "http://hl7.org/fhir/StructureDefinition/data-absent-reason")).isEqualTo("unknown");
    assertThat(encounter.getClass_().getExtensionString(
        "http://hl7.org/fhir/StructureDefinition/data-absent-reason")).isEqualTo("unknown");
    assertThat(encounter.hasSubject()).as("not required").isFalse();
  }

  @Test
  void aResourceWithWhatItRequiresPasses() {
    assertThatCode(() -> ELEMENTS.check(observation())).doesNotThrowAnyException();
    assertThatCode(() -> ELEMENTS.check(new Patient())).doesNotThrowAnyException();
  }

  @Test
  void eachMissingElementIsAnIssueRequiredWithItsPath() {
    assertThat(issues(new Observation())).extracting(RequiredElementsTest::expression)
        .containsExactly("Observation.status", "Observation.code");
    assertThat(issues(new Observation()).get(0).getCode()).isEqualTo(IssueType.REQUIRED);
    assertThat(issues(new Observation()).get(0).getDiagnostics())
        .isEqualTo("Observation.status is required (1..1) but missing.");
  }

  @Test
  void onlyTheResourcesOwnElementsAreCheckedAsMicrosoftsServerDoes() {
    Observation observation = observation();
    observation.addComponent().setValue(new StringType("a component without its code"));
    observation.addContained(new Observation().setCode(new CodeableConcept().setText("contained, no status")));
    observation.setText(new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED));
    Provenance provenance = new Provenance().addTarget(new Reference("Patient/1"))
        .setRecorded(new Date());
    provenance.addAgent().setType(new CodeableConcept().setText("author")); // no who, as an MC4H sample has

    assertThatCode(() -> ELEMENTS.check(observation)).doesNotThrowAnyException();
    assertThatCode(() -> ELEMENTS.check(provenance)).doesNotThrowAnyException();
    assertThat(issues(new Provenance())).extracting(RequiredElementsTest::expression)
        .containsExactly("Provenance.target", "Provenance.recorded", "Provenance.agent");
  }

  @Test
  void aTypesRequiredElementsAreItsOwnWithAMinimumAboveZero() {
    assertThat(ELEMENTS.of("Observation")).extracting(BaseRuntimeChildDefinition::getElementName)
        .containsExactly("status", "code");
    assertThat(ELEMENTS.of("Patient")).isEmpty();
  }

  @Test
  void aRequiredChoiceIsNamedWithoutItsTypeAndSaidToBeOne() {
    MedicationRequest request = new MedicationRequest()
        .setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
        .setIntent(MedicationRequest.MedicationRequestIntent.ORDER)
        .setSubject(new Reference("Patient/1"));

    List<OperationOutcomeIssueComponent> issues = issues(request);
    assertThat(issues).extracting(RequiredElementsTest::expression).containsExactly("MedicationRequest.medication");
    assertThat(issues.get(0).getDiagnostics()).startsWith("MedicationRequest.medication[x] is required (1..1)");
  }

  @Test
  void aValueAbsentForAReasonGivenByAnExtensionIsPresent() {
    Observation observation = observation();
    observation.getStatusElement().setValue(null).addExtension(new Extension(
        "http://hl7.org/fhir/StructureDefinition/data-absent-reason", new CodeType("unknown")));

    assertThatCode(() -> ELEMENTS.check(observation)).doesNotThrowAnyException();
  }

  @Test
  void anElementWithNothingInItIsMissing() {
    Observation observation = observation().setCode(new CodeableConcept());

    assertThat(issues(observation)).extracting(RequiredElementsTest::expression).containsExactly("Observation.code");
  }

  @Test
  void theSyntheaSamplePasses() throws IOException {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        RequiredElementsTest.class.getResourceAsStream("/synthea/sample.ndjson.gz")), StandardCharsets.UTF_8))) {
      int read = 0;
      for (String line; (line = lines.readLine()) != null; read++) {
        Resource resource = FHIR.parse(Format.JSON, line.getBytes(StandardCharsets.UTF_8));
        assertThatCode(() -> ELEMENTS.check(resource)).as(resource.getId()).doesNotThrowAnyException();
      }
      assertThat(read).isEqualTo(372);
    }
  }

  private static Observation observation() {
    return new Observation().setStatus(ObservationStatus.FINAL).setCode(new CodeableConcept().setText("weight"));
  }

  private static List<OperationOutcomeIssueComponent> issues(Resource resource) {
    try {
      ELEMENTS.check(resource);
    } catch (FhirException e) {
      assertThat(e.status()).isEqualTo(400);
      return e.outcome().getIssue();
    }
    return List.of();
  }

  private static String expression(OperationOutcomeIssueComponent issue) {
    return issue.getExpression().get(0).getValue();
  }
}
