package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a patient-centric export accepts, and the sentence that says what to fix when it does not. */
class PatientExportTest {
  private static final List<String> PATIENTS_AND_OBSERVATIONS = List.of("Patient?_id=$IDS",
      "Observation?patient=$IDS&_count=100");

  @Test
  void aSearchWithIncludesBecomesAnExportOfTheirTypesEachOnce() {
    PatientExport request = new PatientExport("Coverage?class-value=Med1", "subscriber",
        List.of("Patient?_id=$IDS", "Coverage?patient=$IDS", "Observation?patient=$IDS", "Observation?subject=$IDS"),
        50, 4096);

    assertThat(request.types()).containsExactly("Coverage", "Patient", "Observation");
    assertThat(request.describe()).isEqualTo("patients of Coverage?class-value=Med1 (subscriber) with"
        + " Patient?_id=$IDS, Coverage?patient=$IDS, Observation?patient=$IDS, Observation?subject=$IDS");
  }

  @Test
  void aBareTypeIsASearchOfEveryResourceOfIt() {
    PatientExport request = new PatientExport("Patient", "id", PATIENTS_AND_OBSERVATIONS, 1, 256);

    assertThat(request.types()).containsExactly("Patient", "Observation");
    assertThat(PatientExport.typeOf("Patient")).isEqualTo("Patient");
    assertThat(PatientExport.typeOf("Observation?patient=$IDS&code=x?y")).isEqualTo("Observation");
  }

  @Test
  void theIncludesAreCopiedSoTheCallerCannotChangeThemLater() {
    List<String> includes = new ArrayList<>(List.of("Patient?_id=$IDS"));
    PatientExport request = new PatientExport("Patient", "id", includes, 50, 4096);

    includes.add("Observation?patient=123");

    assertThat(request.includes()).containsExactly("Patient?_id=$IDS");
    assertThatThrownBy(() -> request.includes().add("Encounter?patient=$IDS"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void thePatientFieldIsIdOrAPathOfElementNames() {
    assertThat(new PatientExport("Encounter", "subject", PATIENTS_AND_OBSERVATIONS, 50, 4096).patientField())
        .isEqualTo("subject");
    assertThat(new PatientExport("Claim", "patient.reference", PATIENTS_AND_OBSERVATIONS, 50, 4096)
        .patientField()).isEqualTo("patient.reference");

    for (String bad : List.of("", "Subject", "subject.", "subject[0]", "subject reference", "1subject")) {
      assertThatThrownBy(() -> new PatientExport("Encounter", bad, PATIENTS_AND_OBSERVATIONS, 50, 4096))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("--patient-field must be id or the field that refers to the patient, such as subscriber or"
              + " subject, not " + bad);
    }
  }

  @Test
  void everyIncludeMustBeASearchWithIds() {
    assertThatThrownBy(() -> new PatientExport("Patient", "id", List.of("Patient?_id=$IDS", "observation?patient"
        + "=$IDS"), 50, 4096)).hasMessage("--include must be a search below the server's base, a type and its"
        + " parameters such as Observation?patient=$IDS, not observation?patient=$IDS");
    assertThatThrownBy(() -> new PatientExport("Patient", "id", List.of("Patient?_id=$IDS", "Observation?patient"
        + "=$ids"), 50, 4096)).hasMessageContaining("--include Observation?patient=$ids has no $IDS");
    assertThatThrownBy(() -> new PatientExport("Patient", "id", List.of("Patient?_id=$IDS#top"), 50, 4096))
        .hasMessageContaining("--include must be a search");
  }

  @Test
  void aMissingQueryIsRefusedLikeABadOne() {
    assertThatThrownBy(() -> new PatientExport(null, "id", PATIENTS_AND_OBSERVATIONS, 50, 4096))
        .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("not null");
    assertThatThrownBy(() -> new PatientExport("", "id", PATIENTS_AND_OBSERVATIONS, 50, 4096))
        .hasMessageContaining("--query must be a search");
    assertThatThrownBy(() -> new PatientExport("?_id=1", "id", PATIENTS_AND_OBSERVATIONS, 50, 4096))
        .hasMessageContaining("--query must be a search");
  }

  @Test
  void batchesNeedAtLeastOneIdAndUrlsRoomForThem() {
    assertThatThrownBy(() -> new PatientExport("Patient", "id", PATIENTS_AND_OBSERVATIONS, 0, 4096))
        .hasMessage("--batch-size must be at least 1, not 0");
    assertThatThrownBy(() -> new PatientExport("Patient", "id", PATIENTS_AND_OBSERVATIONS, -5, 4096))
        .hasMessage("--batch-size must be at least 1, not -5");
    assertThatThrownBy(() -> new PatientExport("Patient", "id", PATIENTS_AND_OBSERVATIONS, 50, 255))
        .hasMessage("--max-url must be at least 256, not 255");
  }

  @Test
  void aGroupIsASearchOfItsIdAndTakesOnlyAnId() {
    assertThat(PatientExport.group("cohort-1.a")).isEqualTo("Group?_id=cohort-1.a");
    assertThat(PatientExport.group("a".repeat(64))).isEqualTo("Group?_id=" + "a".repeat(64));

    for (String bad : List.of("", "a".repeat(65), "1&_id=2", "Group/1", "a b")) {
      assertThatThrownBy(() -> PatientExport.group(bad)).as(bad)
          .hasMessage("--group takes a Group's id, not " + bad);
    }
  }
}
