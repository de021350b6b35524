package io.brazier.loader.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SurveyTest {

  @Test
  void referenceDataFirstThenNdjsonAfterTheTypesItRefersTo() {
    InputFile observations = ndjson("Observation.ndjson",
        "{\"resourceType\":\"Observation\",\"id\":\"o\",\"encounter\":{\"reference\":\"Encounter/e\"}}");
    InputFile encounters = ndjson("Encounter.ndjson",
        "{\"resourceType\":\"Encounter\",\"id\":\"e\",\"subject\":{\"reference\":\"Patient/p\"}}");
    InputFile patients = ndjson("Patient.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"p\","
        + "\"managingOrganization\":{\"reference\":\"Organization?identifier=x|1\"}}");
    InputFile organizations = ndjson("Organization.ndjson", "{\"resourceType\":\"Organization\",\"id\":\"org\"}");

    List<List<InputFile>> layers = Survey.layers(List.of(observations, encounters, patients, organizations));

    assertThat(layers).containsExactly(List.of(organizations), List.of(patients), List.of(encounters),
        List.of(observations));
  }

  @Test
  void aSyntheaHospitalBundleIsReferenceDataAndAPatientBundleIsNot() {
    InputFile hospital = gzipped("hospitalInformation.json.gz", "/synthea/hospitalInformation.json.gz");
    InputFile patient = gzipped("patient.json.gz", "/synthea/patient.json.gz");

    assertThat(Survey.isReferenceData(hospital)).isTrue();
    assertThat(Survey.isReferenceData(patient)).isFalse();
    assertThat(Survey.layers(List.of(patient, hospital))).containsExactly(List.of(hospital), List.of(patient));
  }

  @Test
  void filesThatReferToEachOtherInACircleStillLoad() {
    InputFile a = ndjson("Claim.ndjson", "{\"resourceType\":\"Claim\",\"id\":\"c\",\"x\":{\"reference\":\"Account/a\"}}");
    InputFile b = ndjson("Account.ndjson", "{\"resourceType\":\"Account\",\"id\":\"a\",\"x\":{\"reference\":\"Claim/c\"}}");

    assertThat(Survey.layers(List.of(a, b))).containsExactly(List.of(a, b));
  }

  private static InputFile ndjson(String name, String... lines) {
    byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return new InputFile(name, content.length, () -> new ByteArrayInputStream(content));
  }

  private static InputFile gzipped(String name, String resource) {
    return new InputFile(name, 0, () -> SurveyTest.class.getResourceAsStream(resource));
  }

}
