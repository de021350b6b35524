package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A link's JSON as an administrator sends it: read whole, or refused with a 400 saying what to fix. */
class IdentityLinkTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");

  @Test
  void aSubjectsLinkIsReadWithItsExpiryAndWrittenBackAsSent() {
    String body = "{\"issuer\":\"https://login.example.org/t1\",\"subject\":\"alice\",\"resource\":"
        + "\"Practitioner/12\",\"expires\":\"2027-01-01T00:00:00Z\"}";

    IdentityLink link = IdentityLink.parse(json(body), NOW);

    assertThat(link).isEqualTo(new IdentityLink("https://login.example.org/t1", IdentityLink.Kind.SUBJECT, "alice",
        "Practitioner/12", Instant.parse("2027-01-01T00:00:00Z")));
    assertThat(link.toJson()).isEqualTo(Map.of("issuer", "https://login.example.org/t1", "subject", "alice",
        "resource", "Practitioner/12", "expires", "2027-01-01T00:00:00Z"));
    assertThat(link.expiredAt(Instant.parse("2027-01-01T00:00:00Z"))).isTrue();
    assertThat(link.expiredAt(NOW)).isFalse();
  }

  @Test
  void aClientsLinkWithoutExpiryNeverExpires() {
    IdentityLink link = IdentityLink.parse(json("{\"issuer\":\"http://127.0.0.1:8080/oauth2\",\"clientId\":"
        + "\"backend\",\"resource\":\"Patient/p-1\"}"), NOW);

    assertThat(link.kind()).isEqualTo(IdentityLink.Kind.CLIENT);
    assertThat(link.expiredAt(Instant.MAX)).isFalse();
    assertThat(link.toJson()).containsEntry("clientId", "backend").doesNotContainKey("expires");
  }

  @Test
  void eachBadLinkIsA400SayingWhatToFix() {
    String issuer = "\"issuer\":\"https://login.example.org/t1\"";
    Map<String, String> refusals = Map.ofEntries(
        Map.entry("[]", "A link is a JSON object"),
        Map.entry("{" + issuer + ",\"subject\":\"a\",\"resource\":\"Patient/1\",\"role\":\"x\"}",
            "A link has no field role"),
        Map.entry("{\"subject\":\"a\",\"resource\":\"Patient/1\"}", "A link needs issuer."),
        Map.entry("{\"issuer\":\"login.example.org\",\"subject\":\"a\",\"resource\":\"Patient/1\"}",
            "issuer is the URL of a token issuer"),
        Map.entry("{" + issuer + ",\"resource\":\"Patient/1\"}", "either a subject or a clientId"),
        Map.entry("{" + issuer + ",\"subject\":\"a\",\"clientId\":\"b\",\"resource\":\"Patient/1\"}",
            "either a subject or a clientId"),
        Map.entry("{" + issuer + ",\"subject\":\" \",\"resource\":\"Patient/1\"}",
            "subject is a string that is not empty"),
        Map.entry("{" + issuer + ",\"subject\":7,\"resource\":\"Patient/1\"}", "subject is a string"),
        Map.entry("{" + issuer + ",\"subject\":\"a\",\"resource\":\"Observation/1\"}",
            "resource is Patient/[id], Practitioner/[id] or RelatedPerson/[id], not 'Observation/1'"),
        Map.entry("{" + issuer + ",\"subject\":\"a\",\"resource\":\"Patient/a b\"}", "resource is Patient/[id]"),
        Map.entry("{" + issuer + ",\"subject\":\"a\",\"resource\":\"Patient/1\",\"expires\":\"tomorrow\"}",
            "expires is an instant such as"),
        Map.entry("{" + issuer + ",\"subject\":\"a\",\"resource\":\"Patient/1\",\"expires\":"
            + "\"2026-12-06T03:00:00Z\"}", "expires 2026-12-06T03:00:00Z has passed already."));

    refusals.forEach((body, message) -> assertThatThrownBy(() -> IdentityLink.parse(json(body), NOW)).as(body)
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message));
    assertThatThrownBy(() -> IdentityLink.parse(null, NOW)).isInstanceOf(FhirException.class)
        .hasMessageContaining("A link is a JSON object");
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
