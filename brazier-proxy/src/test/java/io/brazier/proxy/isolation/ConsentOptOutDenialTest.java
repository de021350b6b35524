package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a stored Consent denies, read as R4 has it: the actors of {@code provision.actor[].reference} (not the
 * {@code provision.actors} that R4 does not have), in force within the provision's period.
 */
class ConsentOptOutDenialTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void theActorsOfAnR4DenyProvisionAreDeniedAndNoOneElse() {
    ConsentOptOut.Denial denial = ConsentOptOut.denial(consent("deny", "{\"actor\":[{\"role\":{\"text\":\"x\"},"
        + "\"reference\":{\"reference\":\"Practitioner/12\"}},{\"reference\":{\"reference\":"
        + "\"https://fhir.example/fhir/Organization/3/_history/2\"}}]}"));

    assertThat(denial.patient()).isEqualTo("7");
    assertThat(denial.actors()).containsExactlyInAnyOrder("Practitioner/12", "Organization/3");
    assertThat(denial.deniesAt(Set.of("Practitioner/12"), NOW)).isTrue();
    assertThat(denial.deniesAt(Set.of("Practitioner/13", "Organization/3"), NOW)).isTrue();
    assertThat(denial.deniesAt(Set.of("Practitioner/13"), NOW)).isFalse();
    assertThat(denial.deniesAt(Set.of(), NOW)).isFalse();
  }

  @Test
  void aProvisionWithoutActorsDeniesEveryone() {
    ConsentOptOut.Denial denial = ConsentOptOut.denial(consent("deny", "{}"));

    assertThat(denial.deniesAt(Set.of(), NOW)).isTrue();
    assertThat(denial.deniesAt(Set.of("Practitioner/12"), NOW)).isTrue();
  }

  @Test
  void aProvisionDeniesOnlyWithinItsPeriod() {
    ConsentOptOut.Denial denial = ConsentOptOut.denial(consent("deny", "{\"period\":{\"start\":\"2026-01-01\","
        + "\"end\":\"2026-12-31\"}}"));

    assertThat(denial.deniesAt(Set.of(), NOW)).isTrue();
    assertThat(denial.deniesAt(Set.of(), Instant.parse("2025-12-31T23:00:00Z"))).isFalse();
    assertThat(denial.deniesAt(Set.of(), Instant.parse("2026-12-31T12:00:00Z"))).isTrue();
    assertThat(denial.deniesAt(Set.of(), Instant.parse("2027-01-01T12:00:00Z"))).isFalse();
  }

  @Test
  void aPermitOrAConsentOfNoPatientDeniesNothing() {
    assertThat(ConsentOptOut.denial(consent("permit", "{}"))).isNull();
    assertThat(ConsentOptOut.denial(read("{\"resourceType\":\"Consent\",\"patient\":{\"reference\":"
        + "\"Group/1\"},\"provision\":{\"type\":\"deny\"}}"))).isNull();
  }

  private static JsonNode consent(String type, String provision) {
    JsonNode json = read(provision);
    ((ObjectNode) json).put("type", type);
    return read("{\"resourceType\":\"Consent\",\"id\":\"c\",\"status\":\"active\",\"patient\":{\"reference\":"
        + "\"Patient/7\"},\"provision\":" + json + "}");
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }
}
