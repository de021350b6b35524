package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import org.junit.jupiter.api.Test;

class PatientKeysTest {
  private static final PatientKeys keys = new PatientKeys(Publishers.server().fhir());
  private static final ObjectMapper json = Jackson.MAPPER;

  @Test
  void aPatientIsItsOwnKey() {
    assertThat(keys.key("Patient", "7", null)).isEqualTo("Patient/7");
  }

  @Test
  void anObservationIsKeyedByItsSubjectBeforeAPerformerWhoIsAPatientToo() {
    JsonNode observation = parse("{\"resourceType\":\"Observation\",\"performer\":[{\"reference\":\"Patient/other\"}],"
        + "\"subject\":{\"reference\":\"Patient/7\"}}");

    assertThat(keys.key("Observation", "1", observation)).isEqualTo("Patient/7");
  }

  @Test
  void aPatientElementNamedOtherwiseIsFoundThroughTheCompartmentDefinition() {
    JsonNode claim = parse("{\"resourceType\":\"Claim\",\"patient\":{\"reference\":\"Patient/7\"}}");
    JsonNode provenance = parse("{\"resourceType\":\"Provenance\",\"target\":[{\"reference\":\"Encounter/3\"},"
        + "{\"reference\":\"Patient/8/_history/2\"}]}");
    JsonNode careTeam = parse("{\"resourceType\":\"CarePlan\",\"activity\":[{\"detail\":{\"performer\":"
        + "[{\"reference\":\"Practitioner/1\"},{\"reference\":\"Patient/9\"}]}}]}");

    assertThat(keys.key("Claim", "1", claim)).isEqualTo("Patient/7");
    assertThat(keys.key("Provenance", "1", provenance)).isEqualTo("Patient/8");
    assertThat(keys.key("CarePlan", "1", careTeam)).isEqualTo("Patient/9");
  }

  @Test
  void anAbsoluteReferenceNamesItsPatientToo() {
    JsonNode encounter = parse("{\"resourceType\":\"Encounter\",\"subject\":"
        + "{\"reference\":\"https://fhir.example/fhir/Patient/7\"}}");

    assertThat(keys.key("Encounter", "1", encounter)).isEqualTo("Patient/7");
  }

  @Test
  void aResourceOfNoPatientIsItsOwnKey() {
    JsonNode groupSubject = parse("{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Group/2\"}}");
    JsonNode organization = parse("{\"resourceType\":\"Organization\",\"name\":\"Acme\"}");

    assertThat(keys.key("Observation", "1", groupSubject)).isEqualTo("Observation/1");
    assertThat(keys.key("Organization", "4", organization)).isEqualTo("Organization/4");
    assertThat(keys.key("Observation", "5", null)).as("a deletion whose last version is unknown")
        .isEqualTo("Observation/5");
  }

  private static JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
