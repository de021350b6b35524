package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.SupplyDelivery;
import org.junit.jupiter.api.Test;

class RequiredBindingsTest {
  private static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
  private static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

  private static final RequiredBindings BINDINGS = new RequiredBindings(new Fhir(false));

  @Test
  void codesOfTheValueSetPass() {
    Condition condition = new Condition();
    condition.setClinicalStatus(concept(CLINICAL, "relapse"));
    condition.setVerificationStatus(concept(VERIFICATION, "confirmed"));

    assertThatCode(() -> BINDINGS.check(condition)).doesNotThrowAnyException();
  }

  @Test
  void aCodeOutsideTheValueSetIsRefusedWithItsPath() {
    Condition condition = new Condition();
    condition.setClinicalStatus(concept(CLINICAL, "robot"));

    assertThatThrownBy(() -> BINDINGS.check(condition))
        .isInstanceOfSatisfying(FhirException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.outcome().getIssueFirstRep().getExpression().get(0).getValue())
              .isEqualTo("Condition.clinicalStatus");
        });
  }

  @Test
  void aCodeOfAnotherSystemIsRefused() {
    Condition condition = new Condition();
    condition.setClinicalStatus(concept(VERIFICATION, "confirmed"));

    assertThatThrownBy(() -> BINDINGS.check(condition)).isInstanceOf(FhirException.class);
  }

  @Test
  void everyViolationIsReported() {
    Condition condition = new Condition();
    condition.setClinicalStatus(concept(CLINICAL, "robot"));
    condition.setVerificationStatus(concept(VERIFICATION, "guessed"));

    assertThatThrownBy(() -> BINDINGS.check(condition)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.outcome().getIssue()).hasSize(2));
  }

  @Test
  void oneCodingOfTheValueSetIsEnough() {
    Condition condition = new Condition();
    CodeableConcept status = concept("http://example.org/local", "on");
    status.addCoding().setSystem(CLINICAL).setCode("active");
    condition.setClinicalStatus(status);

    assertThatCode(() -> BINDINGS.check(condition)).doesNotThrowAnyException();
  }

  @Test
  void aConceptWithOnlyTextOrACodeWithoutSystemIsJudgedByWhatItHas() {
    Condition textOnly = new Condition().setClinicalStatus(new CodeableConcept().setText("active"));
    Condition noSystem = new Condition().setClinicalStatus(concept(null, "active"));
    Condition unknownWithoutSystem = new Condition().setClinicalStatus(concept(null, "robot"));

    assertThatCode(() -> BINDINGS.check(textOnly)).doesNotThrowAnyException();
    assertThatCode(() -> BINDINGS.check(noSystem)).doesNotThrowAnyException();
    assertThatThrownBy(() -> BINDINGS.check(unknownWithoutSystem)).isInstanceOf(FhirException.class);
  }

  @Test
  void otherTypesAndElementsAreCheckedToo() {
    AllergyIntolerance allergy = new AllergyIntolerance();
    allergy.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "gone"));
    SupplyDelivery delivery = new SupplyDelivery();
    delivery.setType(concept("http://terminology.hl7.org/CodeSystem/supply-item-type", "device"));

    assertThatThrownBy(() -> BINDINGS.check(allergy)).isInstanceOf(FhirException.class);
    assertThatCode(() -> BINDINGS.check(delivery)).doesNotThrowAnyException();
  }

  @Test
  void aTypeWithoutCodedRequiredBindingsPasses() {
    assertThatCode(() -> BINDINGS.check(new Patient().setActive(true))).doesNotThrowAnyException();
  }

  private static CodeableConcept concept(String system, String code) {
    CodeableConcept concept = new CodeableConcept();
    concept.addCoding().setSystem(system).setCode(code);
    return concept;
  }
}
