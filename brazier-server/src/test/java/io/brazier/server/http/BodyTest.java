package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** A resource in a request body: its JSON tree, edited while unparsed, and the model parsed from it when needed. */
class BodyTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final String PATIENT = """
      {"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:mrn","value":"12"},{"value":"34"},
       {"system":"urn:no-value"}],"birthDate":"1974-12-25"}""";

  private final List<Resource> checked = new ArrayList<>();

  @Test
  void aTreeTellsItsTypeIdAndIdentifiersWithoutBeingParsed() {
    Body body = body(PATIENT);

    assertThat(body.type()).isEqualTo("Patient");
    assertThat(body.id()).isEqualTo("p1");
    assertThat(body.identifiers()).containsExactly("12", "urn:mrn|12", "34");
    assertThat(checked).as("parsed and checked").isEmpty();
  }

  @Test
  void aModelTellsTheSame() {
    Body body = Body.of(FHIR.jsonParser().parseResource(Patient.class, PATIENT));

    assertThat(body.type()).isEqualTo("Patient");
    assertThat(body.id()).isEqualTo("p1");
    assertThat(body.identifiers()).containsExactly("12", "urn:mrn|12", "34");
  }

  @Test
  void aResourceWithoutIdentifiersHasNone() {
    assertThat(body("{\"resourceType\":\"Patient\"}").identifiers()).isEmpty();
    assertThat(Body.of(new Observation()).identifiers()).isEmpty();
    assertThat(body("{\"resourceType\":\"Patient\",\"id\":7}").id()).as("an id that is not a string").isNull();
  }

  @Test
  void theModelIsParsedFromTheEditedTreeOnceAndChecked() {
    Body body = body(PATIENT);
    body.tree().put("gender", "female");

    Patient first = (Patient) body.resource();
    Patient again = (Patient) body.resource();

    assertThat(first.getGender().toCode()).isEqualTo("female");
    assertThat(again).isSameAs(first);
    assertThat(checked).containsExactly(first);
    assertThat(body.tree()).as("no longer the truth once parsed").isNull();
  }

  @Test
  void theJsonIsTheEditedTreeWithDecimalsAsWritten() {
    Body body = body("""
        {"resourceType":"Observation","status":"final","code":{"text":"w"},"valueQuantity":{"value":1.50}}""");
    body.tree().put("id", "o1");
    body.resource();

    String json = new String(body.json(), StandardCharsets.UTF_8);

    assertThat(json).contains("\"id\":\"o1\"").contains("\"value\":1.50");
  }

  @Test
  void nullsEmptyArraysAndEmptyObjectsAreNotStored() {
    Body body = body("""
        {"resourceType":"Patient","active":null,"identifier":[],"name":[{},{"family":"Kept","given":["A",null],
         "_given":[null,{"extension":[{"url":"urn:x","valueString":"y"}]}],"period":{}}],"telecom":[{"system":null}]}""");
    body.resource();

    assertThat(new String(body.json(), StandardCharsets.UTF_8)).isEqualTo("""
        {"resourceType":"Patient","name":[{"family":"Kept","given":["A",null],\
        "_given":[null,{"extension":[{"url":"urn:x","valueString":"y"}]}]}]}""");
  }

  @Test
  void nullsHoldingThePlacesOfPrimitivesThatOnlyHaveExtensionsAreKept() {
    String name = """
        "given":[null],"_given":[{"extension":[{"url":"urn:x","valueString":"y"}]}]""";
    Body body = body("{\"resourceType\":\"Patient\",\"name\":[{" + name + "}],\"birthDate\":null,"
        + "\"_birthDate\":{\"extension\":[{\"url\":\"urn:x\",\"valueString\":\"z\"}]}}");

    Patient patient = (Patient) body.resource();

    assertThat(patient.getNameFirstRep().getGiven().get(0).getExtensionString("urn:x")).isEqualTo("y");
    assertThat(patient.getBirthDateElement().getExtensionString("urn:x")).isEqualTo("z");
    assertThat(new String(body.json(), StandardCharsets.UTF_8)).isEqualTo("""
        {"resourceType":"Patient","name":[{%s}],\
        "_birthDate":{"extension":[{"url":"urn:x","valueString":"z"}]}}""".formatted(name));
  }

  @Test
  void nullsBesideExtensionsThatHoldNothingAreNotStored() {
    Body body = body("""
        {"resourceType":"Patient","name":[{"family":"F","given":[null],"_given":[{"extension":[]}]}]}""");
    body.resource();

    assertThat(new String(body.json(), StandardCharsets.UTF_8)).isEqualTo("""
        {"resourceType":"Patient","name":[{"family":"F"}]}""");
  }

  @Test
  void aLenientServerEditsTheModelNotTheTree() {
    Fhir lenient = new Fhir(true);
    Body body = Body.of(lenient, (ObjectNode) Body.read(bytes(PATIENT)), checked::add, "body");

    assertThat(body.tree()).isNull();
    assertThat(body.resource().getIdElement().getIdPart()).isEqualTo("p1");
  }

  @Test
  void malformedJsonIsABadRequestSayingWhere() {
    assertThatThrownBy(() -> Body.read(bytes("{\"resourceType\":\"Patient\",\n \"id\": }")))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Body.read(bytes("{} {}")))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void writeGivesBackWhatReadTook() {
    String json = "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":0.000100}}";

    assertThat(new String(Body.write(Body.read(bytes(json))), StandardCharsets.UTF_8)).isEqualTo(json);
  }

  private Body body(String json) {
    return Body.of(FHIR, (ObjectNode) Body.read(bytes(json)), checked::add, "body");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
