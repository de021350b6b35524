package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code _elements} of an export, without a server: each resource keeps id, meta, its mandatory elements and the
 * elements asked for, and is tagged SUBSETTED. https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters and
 * https://hl7.org/fhir/R4/search.html#elements
 */
class ElementsTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String OBSERVATION = """
      {"resourceType":"Observation","id":"o1","meta":{"versionId":"3"},"status":"final",
       "code":{"text":"weight"},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-05-01",
       "_effectiveDateTime":{"extension":[{"url":"http://example.org/estimated","valueBoolean":true}]},
       "valueQuantity":{"value":71.5,"unit":"kg"},"note":[{"text":"after lunch"}]}""";

  @Test
  void aResourceKeepsIdMetaItsMandatoryElementsAndTheOnesAsked() throws IOException {
    JsonNode cut = apply(List.of("subject"), OBSERVATION);

    assertThat(names(cut)).containsExactlyInAnyOrder("resourceType", "id", "meta", "status", "code", "subject");
    assertThat(cut.at("/meta/versionId").asText()).isEqualTo("3");
  }

  @Test
  void aResourceCutIsTaggedSubsetted() throws IOException {
    JsonNode cut = apply(List.of("subject"), OBSERVATION);

    assertThat(cut.at("/meta/tag/0/system").asText())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/v3-ObservationValue");
    assertThat(cut.at("/meta/tag/0/code").asText()).isEqualTo("SUBSETTED");
  }

  @Test
  void aChoiceElementIsAskedForByItsNameWithoutItsType() throws IOException {
    JsonNode cut = apply(List.of("value", "effective"), OBSERVATION);

    assertThat(names(cut)).contains("valueQuantity", "effectiveDateTime", "_effectiveDateTime")
        .doesNotContain("note", "subject");
  }

  @Test
  void aPrimitivesExtensionGoesWithIt() throws IOException {
    String patient = """
        {"resourceType":"Patient","id":"p1","birthDate":"1974-12-25",
         "_birthDate":{"extension":[{"url":"http://example.org/approximate","valueBoolean":true}]},"gender":"male"}""";

    JsonNode cut = apply(List.of("birthDate"), patient);

    assertThat(names(cut)).contains("birthDate", "_birthDate").doesNotContain("gender");
  }

  @Test
  void anElementQualifiedByATypeIsKeptForThatTypeOnly() throws IOException {
    String patient = """
        {"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1974-12-25"}""";
    Elements elements = new Elements(FHIR, List.of("Observation.note", "gender"));

    JsonNode observation = read(elements.apply("Observation", bytes(OBSERVATION)));
    JsonNode cutPatient = read(elements.apply("Patient", bytes(patient)));

    assertThat(names(observation)).contains("note").doesNotContain("subject");
    assertThat(names(cutPatient)).contains("gender").doesNotContain("birthDate");
  }

  @Test
  void noElementsAskedMeansAll() {
    assertThat(new Elements(FHIR, List.of()).all()).isTrue();
    assertThat(new Elements(FHIR, List.of("gender")).all()).isFalse();
  }

  @Test
  void anElementNoExportedTypeHasIsABadRequest() {
    assertRefused(List.of("Patient.wingspan"), List.of("Patient"), "Patient.wingspan");
    assertRefused(List.of("Spaceship.name"), List.of("Patient"), "Spaceship.name");
    assertRefused(List.of("valueQuantity"), List.of("Observation"), "valueQuantity");
    assertRefused(List.of("gender"), List.of("Observation", "Encounter"), "gender");
  }

  @Test
  void anElementOfAnyExportedTypeIsAccepted() {
    Elements.check(FHIR, List.of("gender", "value", "Observation.note"), List.of("Observation", "Patient"));
  }

  @Test
  void decimalsStayAsWritten() {
    String observation = """
        {"resourceType":"Observation","id":"o2","status":"final","code":{"text":"weight"},
         "valueQuantity":{"value":1.50,"unit":"kg"}}""";

    String cut = new String(Elements.parse(FHIR, "value").apply(bytes(observation)), StandardCharsets.UTF_8);

    assertThat(cut).contains("\"valueQuantity\":{\"value\":1.50,\"unit\":\"kg\"}");
  }

  @Test
  void theAskedListMayHaveSpacesAndEmptyItems() throws IOException {
    Elements elements = Elements.parse(FHIR, " Observation.note , ");

    assertThat(names(read(elements.apply(bytes(OBSERVATION))))).contains("note").doesNotContain("subject");
  }

  @Test
  void aResourceWithoutMetaGetsOneForItsTagAndItsTypeIsFoundWhereverItIs() throws IOException {
    String patient = """
        {"id":"p1","name":[{"family":"X"}],"resourceType":"Patient","gender":"other"}""";

    JsonNode cut = read(Elements.parse(FHIR, "gender").apply(bytes(patient)));

    assertThat(names(cut)).containsExactly("id", "resourceType", "gender", "meta");
    assertThat(cut.at("/meta/tag/0/code").asText()).isEqualTo("SUBSETTED");
  }

  @Test
  void whatIsNotAResourceIsAClearFailure() {
    Elements elements = Elements.parse(FHIR, "gender");

    assertThatThrownBy(() -> elements.apply(bytes("[1]"))).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("no resourceType");
    assertThatThrownBy(() -> elements.apply("Patient", bytes("{\"id\":"))).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("A stored Patient is not JSON");
  }

  private static void assertRefused(List<String> asked, List<String> types, String named) {
    assertThatThrownBy(() -> Elements.check(FHIR, asked, types))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(named);
  }

  private static JsonNode apply(List<String> asked, String json) throws IOException {
    JsonNode parsed = read(bytes(json));
    return read(new Elements(FHIR, asked).apply(parsed.get("resourceType").asText(), bytes(json)));
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode read(byte[] json) throws IOException {
    return JSON.readTree(json);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
