package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.junit.jupiter.api.Test;

/** STU3 resources in their R4 form, by the core version converter; what is not one is a 400. */
class Stu3ToR4Test {

  @Test
  void anElementThatChangedTypeBetweenTheVersionsTakesItsR4Form() {
    // STU3's clinicalStatus is a code; R4's a CodeableConcept of the allergyintolerance-clinical code system.
    AllergyIntolerance allergy = (AllergyIntolerance) Stu3ToR4.convert("{\"resourceType\":\"AllergyIntolerance\","
        + "\"id\":\"a-1\",\"clinicalStatus\":\"active\",\"verificationStatus\":\"confirmed\","
        + "\"patient\":{\"reference\":\"Patient/p-1\"}}");

    assertThat(allergy.getIdPart()).isEqualTo("a-1");
    assertThat(allergy.getClinicalStatus().getCodingFirstRep().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical");
    assertThat(allergy.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("active");
    assertThat(allergy.getPatient().getReference()).isEqualTo("Patient/p-1");
  }

  @Test
  void textThatIsNotAnStu3ResourceIsA400() {
    for (String text : new String[] {"", "{\"resourceType\":", "{\"resourceType\":\"Spaceship\"}", "<Patient/>"}) {
      assertThatThrownBy(() -> Stu3ToR4.convert(text)).as(text)
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageContaining("not an STU3 resource");
    }
  }
}
