package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.server.FhirRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A checked answer of the upstream in the format and shape the caller asked for: JSON as checked when nothing is
 * asked, XML for {@code _format=xml}, and {@code _summary} or {@code _elements} applied to the resources (not to the
 * search bundle that holds them).
 */
class AnswerFormatTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Fhir FHIR = new Fhir(false);
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"p-1\",\"text\":{\"status\":"
      + "\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Ann</div>\"},\"gender\":\"female\","
      + "\"maritalStatus\":{\"text\":\"married\"},\"name\":[{\"family\":\"Ng\"}]}";

  private final AnswerFormat format = new AnswerFormat(FHIR);

  @Test
  void anAnswerNotCheckedPassesAsTheUpstreamSentIt() {
    byte[] original = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);

    AnswerFormat.Encoded encoded = format.encoded(request("Patient/p-1"), null, original);

    assertThat(encoded.body()).isSameAs(original);
    assertThat(encoded.contentType()).isNull();
  }

  @Test
  void aCheckedAnswerNobodyAskedToShapeIsItsJson() {
    AnswerFormat.Encoded encoded = format.encoded(request("Patient/p-1"), json(PATIENT), null);

    assertThat(json(encoded.body())).isEqualTo(json(PATIENT));
    assertThat(encoded.contentType()).isEqualTo("application/fhir+json;charset=utf-8");
  }

  @Test
  void xmlAskedForIsXml() {
    AnswerFormat.Encoded encoded = format.encoded(request("Patient/p-1?_format=xml"), json(PATIENT), null);

    assertThat(encoded.contentType()).isEqualTo("application/fhir+xml;charset=utf-8");
    assertThat(text(encoded)).startsWith("<Patient xmlns=\"http://hl7.org/fhir\">").contains("<gender value=\"female\"/>");
  }

  @Test
  void elementsKeepOnlyTheElementsNamed() {
    JsonNode shaped = json(format.encoded(request("Patient/p-1?_elements=gender"), json(PATIENT), null).body());

    assertThat(shaped.path("gender").asText()).isEqualTo("female");
    assertThat(shaped.path("id").asText()).isEqualTo("p-1");
    assertThat(shaped.has("maritalStatus")).isFalse();
    assertThat(shaped.has("name")).isFalse();
  }

  @Test
  void aSummaryDropsWhatIsNotInTheSummary() {
    JsonNode shaped = json(format.encoded(request("Patient/p-1?_summary=true"), json(PATIENT), null).body());

    assertThat(shaped.path("name").get(0).path("family").asText()).isEqualTo("Ng");
    assertThat(shaped.has("maritalStatus")).isFalse();
  }

  @Test
  void aDataSummaryDropsTheNarrativeOnly() {
    JsonNode shaped = json(format.encoded(request("Patient/p-1?_summary=data"), json(PATIENT), null).body());

    assertThat(shaped.has("text")).isFalse();
    assertThat(shaped.path("maritalStatus").path("text").asText()).isEqualTo("married");
  }

  @Test
  void aTextSummaryKeepsTheNarrative() {
    JsonNode shaped = json(format.encoded(request("Patient/p-1?_summary=text"), json(PATIENT), null).body());

    assertThat(shaped.path("text").path("div").asText()).contains("Ann");
    assertThat(shaped.has("maritalStatus")).isFalse();
  }

  @Test
  void aCountSummaryOrNoSummaryIsNotShaped() {
    for (String summary : new String[] {"count", "false"}) {
      JsonNode answer = json(format.encoded(request("Patient/p-1?_summary=" + summary), json(PATIENT), null).body());

      assertThat(answer).as(summary).isEqualTo(json(PATIENT));
    }
  }

  @Test
  void theElementsOfASearchApplyToItsResourcesNotToTheBundle() {
    JsonNode bundle = json("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":1,\"link\":[{\"relation\":"
        + "\"self\",\"url\":\"http://proxy/fhir/Patient\"}],\"entry\":[{\"fullUrl\":\"http://proxy/fhir/Patient/p-1\","
        + "\"resource\":" + PATIENT + ",\"search\":{\"mode\":\"match\"}}]}");

    JsonNode shaped = json(format.encoded(request("Patient?_elements=gender"), bundle, null).body());

    assertThat(shaped.path("type").asText()).isEqualTo("searchset");
    assertThat(shaped.path("total").asInt()).isEqualTo(1);
    assertThat(shaped.path("link").get(0).path("relation").asText()).isEqualTo("self");
    JsonNode patient = shaped.path("entry").get(0).path("resource");
    assertThat(patient.path("gender").asText()).isEqualTo("female");
    assertThat(patient.has("maritalStatus")).isFalse();
  }

  @Test
  void jsonWithoutAResourceTypeIsWrittenAsJsonWhateverWasAsked() {
    JsonNode links = json("[{\"issuer\":\"https://idp.example.org\"}]");

    AnswerFormat.Encoded encoded = format.encoded(request("Patient?_format=xml&_elements=id"), links, null);

    assertThat(encoded.contentType()).startsWith("application/fhir+json");
    assertThat(json(encoded.body())).isEqualTo(links);
  }

  private static FhirRequest request(String url) {
    return FhirRequest.builder("GET", url).baseUrl("http://proxy/fhir").build();
  }

  private static String text(AnswerFormat.Encoded encoded) {
    return new String(encoded.body(), StandardCharsets.UTF_8);
  }

  private static JsonNode json(String text) {
    return json(text.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
