package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import org.junit.jupiter.api.Test;

class PartitionsTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @Test
  void aPatientIsItsOwnPartition() throws Exception {
    assertThat(Partitions.of("Patient", "12", json("{\"resourceType\": \"Patient\"}"))).isEqualTo("Patient/12");
    assertThat(Partitions.of("Patient", "12", null)).isEqualTo("Patient/12");
  }

  @Test
  void aResourceFollowsThePatientItsPatientOrSubjectNames() throws Exception {
    assertThat(Partitions.of("AllergyIntolerance", "1", json("{\"patient\": {\"reference\": \"Patient/12\"}}")))
        .isEqualTo("Patient/12");
    assertThat(Partitions.of("Observation", "2", json("{\"subject\": {\"reference\": \"Patient/12\"}}")))
        .isEqualTo("Patient/12");
    assertThat(Partitions.of("Observation", "3",
        json("{\"subject\": {\"reference\": \"http://fhir.example/fhir/Patient/12\"}}"))).isEqualTo("Patient/12");
  }

  @Test
  void aResourceThatNamesNoPatientIsItsOwnPartition() throws Exception {
    assertThat(Partitions.of("Observation", "4", json("{\"subject\": {\"reference\": \"Group/7\"}}")))
        .isEqualTo("Observation/4");
    assertThat(Partitions.of("Observation", "5", json("{\"subject\": {\"reference\": \"urn:uuid:1\"}}")))
        .isEqualTo("Observation/5");
    assertThat(Partitions.of("Observation", "6", json("{\"subject\": {\"reference\": \"OtherPatient/12\"}}")))
        .isEqualTo("Observation/6");
    assertThat(Partitions.of("Organization", "7", json("{\"name\": \"Ward 7\"}"))).isEqualTo("Organization/7");
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }
}
