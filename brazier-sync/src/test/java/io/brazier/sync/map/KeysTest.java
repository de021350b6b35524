package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void aRowKeyIsTheSameForTheSameResourceAndDifferentForAnother() {
    assertThat(Keys.row("Patient", "12")).isEqualTo(Keys.row("Patient", "12"))
        .isNotEqualTo(Keys.row("Patient", "13")).isNotEqualTo(Keys.row("Practitioner", "12"));
    assertThat(Keys.row("Patient", "12").version()).as("name-based").isEqualTo(3);
  }

  @Test
  void aReferenceNamesTheRowOfTheResourceItReferences() {
    UUID patient = Keys.row("Patient", "12");

    assertThat(Keys.reference("Patient/12")).isEqualTo(patient);
    assertThat(Keys.reference("http://fhir.example/fhir/Patient/12")).isEqualTo(patient);
    assertThat(Keys.reference("Patient/12/_history/3")).isEqualTo(patient);
  }

  @Test
  void aReferenceToNoResourceOfTheServerNamesNoRow() {
    assertThat(Keys.reference(null)).isNull();
    assertThat(Keys.reference("#contained-1")).isNull();
    assertThat(Keys.reference("urn:uuid:5b1f8a5e-7c4c-4b6b-9a4f-0d1e2f3a4b5c")).isNull();
    assertThat(Keys.reference("Patient?identifier=urn:mrn|7")).isNull();
  }

  @Test
  void theTypeOfAReferenceIsTheOneItsKeyIsComputedFrom() {
    assertThat(Keys.type("https://fhir.example/fhir/Practitioner/7/_history/2")).isEqualTo("Practitioner");
    assertThat(Keys.type("Patient/12")).isEqualTo("Patient");
    assertThat(Keys.type("#contained-1")).isNull();
  }

  @Test
  void aChildKeyDependsOnItsParentTableAndPosition() {
    UUID parent = Keys.row("Patient", "12");

    assertThat(Keys.child(parent, "msemr_medicalidentifier", 0))
        .isEqualTo(Keys.child(parent, "msemr_medicalidentifier", 0))
        .isNotEqualTo(Keys.child(parent, "msemr_medicalidentifier", 1))
        .isNotEqualTo(Keys.child(parent, "msemr_contactlink", 0))
        .isNotEqualTo(Keys.child(Keys.row("Patient", "13"), "msemr_medicalidentifier", 0));
  }

  @Test
  void aConceptIsKeyedByItsSystemAndCodeOrByItsTextWhenItHasNoCode() {
    assertThat(Keys.concept("http://loinc.org", "8867-4", "Heart rate"))
        .isEqualTo(Keys.concept("http://loinc.org", "8867-4", "Pulse"))
        .isNotEqualTo(Keys.concept("http://snomed.info/sct", "8867-4", "Heart rate"));
    assertThat(Keys.concept(null, null, "Heart rate")).isEqualTo(Keys.concept("http://loinc.org", null, "Heart rate"))
        .isNotEqualTo(Keys.concept(null, null, "Pulse"));
  }
}
