package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ElementsCutTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OBSERVATION = """
      {"resourceType":"Observation","id":"o1","meta":{"versionId":"2","tag":[{"code":"kept"}]},
       "status":"final","code":{"text":"weight"},"subject":{"reference":"Patient/p1"},
       "valueQuantity":{"value":1.50,"unit":"kg"},"note":[{"text":"left out"}],"_status":{"id":"s"}}""";

  @Test
  void keepsTheElementsAskedTheMandatoryOnesIdAndMetaAndMarksTheResourceSubsetted() {
    JsonNode cut = apply("subject", OBSERVATION);

    assertThat(names(cut)).containsExactly("resourceType", "id", "meta", "status", "code", "subject", "_status");
    assertThat(cut.path("meta").path("versionId").asText()).isEqualTo("2");
    assertThat(cut.path("meta").path("tag")).extracting(tag -> tag.path("code").asText())
        .containsExactly("kept", "SUBSETTED");
  }

  @Test
  void aChoiceIsAskedByItsNameAndItsDecimalsStayAsWritten() {
    String cut = new String(Elements.parse(FHIR, "value").apply(bytes(OBSERVATION)), StandardCharsets.UTF_8);

    assertThat(cut).contains("\"valueQuantity\":{\"value\":1.50,\"unit\":\"kg\"}").doesNotContain("note");
  }

  @Test
  void aTypedElementIsKeptInThatTypeOnly() {
    Elements elements = Elements.parse(FHIR, " Observation.note , ");
    String patient = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"note\":[],\"gender\":\"female\"}";

    assertThat(names(read(elements.apply(bytes(OBSERVATION))))).contains("note");
    assertThat(names(read(elements.apply(bytes(patient))))).containsExactly("resourceType", "id", "meta");
  }

  @Test
  void aResourceWithoutMetaGetsOneForItsTagAndItsTypeIsFoundWhereverItIs() {
    JsonNode cut = apply("gender", "{\"id\":\"p1\",\"name\":[{\"family\":\"X\"}],\"resourceType\":\"Patient\","
        + "\"gender\":\"other\"}");

    assertThat(names(cut)).containsExactly("id", "resourceType", "gender", "meta");
    assertThat(cut.path("meta").path("tag").get(0).path("code").asText()).isEqualTo("SUBSETTED");
  }

  @Test
  void whatIsNotAResourceIsAClearFailure() {
    Elements elements = Elements.parse(FHIR, "gender");

    assertThatThrownBy(() -> elements.apply(bytes("[1]"))).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("no resourceType");
    assertThatThrownBy(() -> elements.apply("Patient", bytes("{\"id\":"))).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("A stored Patient is not JSON");
  }

  @Test
  void checkRefusesAnElementNoTypeHas() {
    Elements.check(FHIR, List.of("gender", "Observation.subject"), Set.of("Patient"));

    assertThatThrownBy(() -> Elements.check(FHIR, List.of("colour"), Set.of("Patient")))
        .isInstanceOf(FhirException.class).hasMessageContaining("colour");
    assertThatThrownBy(() -> Elements.check(FHIR, List.of("Patient.colour"), Set.of("Patient")))
        .isInstanceOf(FhirException.class).hasMessageContaining("Patient.colour");
  }

  private static JsonNode apply(String asked, String json) {
    return read(Elements.parse(FHIR, asked).apply(bytes(json)));
  }

  private static List<String> names(JsonNode node) {
    return node.properties().stream().map(java.util.Map.Entry::getKey).toList();
  }

  private static JsonNode read(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
