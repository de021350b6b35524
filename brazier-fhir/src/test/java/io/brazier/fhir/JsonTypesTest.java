package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

class JsonTypesTest {
  private final JsonTypes types = new JsonTypes(FhirContext.forR4Cached());

  @Test
  void aValueOfTheWrongJsonTypeIsAStructureErrorNamingTheElementAndWhatItMustBe() {
    assertRefused("{\"resourceType\":\"Patient\",\"active\":\"true\"}",
        "'Patient.active' is a JSON string but must be a boolean (true or false)");
    assertRefused("{\"resourceType\":\"Patient\",\"multipleBirthInteger\":\"2\"}",
        "'Patient.multipleBirthInteger' is a JSON string but must be a number");
    assertRefused("{\"resourceType\":\"Patient\",\"gender\":1}", "'Patient.gender' is a JSON number but must be a string");
    assertRefused("{\"resourceType\":\"Patient\",\"name\":{\"family\":\"x\"}}",
        "'Patient.name' is a JSON object but must be an array");
    assertRefused("{\"resourceType\":\"Patient\",\"birthDate\":[\"1970-01-01\"]}",
        "'Patient.birthDate' is a JSON array but must be a string");
    assertRefused("{\"resourceType\":\"Patient\",\"maritalStatus\":\"M\"}",
        "'Patient.maritalStatus' is a JSON string but must be an object");
    assertRefused("{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":\"5.4\"}}",
        "'Observation.valueQuantity.value' is a JSON string but must be a number");
  }

  @Test
  void valuesInsideArraysExtensionsAndOtherResourcesAreCheckedToo() {
    assertRefused("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"a\",true]}]}",
        "'Patient.name[0].given[1]' is a JSON boolean but must be a string");
    assertRefused("{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"http://x\",\"valueBoolean\":\"false\"}]}",
        "'Patient.extension[0].valueBoolean' is a JSON string but must be a boolean");
    assertRefused("{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Organization\",\"active\":1}]}",
        "'Patient.contained[0].active' is a JSON number but must be a boolean");
    assertRefused("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":"
        + "{\"resourceType\":\"Patient\",\"active\":\"yes\"}}]}",
        "'Bundle.entry[0].resource.active' is a JSON string but must be a boolean");
  }

  @Test
  void everyValueOfTheWrongJsonTypeCanBeListedAsTheErrorACheckWouldThrow() throws IOException {
    JsonNode patient = json("{\"resourceType\":\"Patient\",\"active\":\"true\",\"multipleBirthInteger\":\"2\","
        + "\"name\":[{\"family\":1,\"given\":[\"a\",false]}],\"maritalStatus\":\"M\"}");
    List<FhirException> wrong = new ArrayList<>();

    types.check(patient, wrong::add);

    assertThat(wrong).extracting(FhirException::getMessage).containsExactly(
        "Element 'Patient.active' is a JSON string but must be a boolean (true or false) "
            + "(https://hl7.org/fhir/R4/json.html).",
        "Element 'Patient.multipleBirthInteger' is a JSON string but must be a number "
            + "(https://hl7.org/fhir/R4/json.html).",
        "Element 'Patient.name[0].family' is a JSON number but must be a string (https://hl7.org/fhir/R4/json.html).",
        "Element 'Patient.name[0].given[1]' is a JSON boolean but must be a string "
            + "(https://hl7.org/fhir/R4/json.html).",
        "Element 'Patient.maritalStatus' is a JSON string but must be an object (https://hl7.org/fhir/R4/json.html).");
    assertThatThrownBy(() -> types.check(patient)).hasMessage(wrong.get(0).getMessage());
  }

  @Test
  void aResourceWhoseValuesHaveTheirJsonTypesPasses() {
    String patient = """
        {"resourceType":"Patient","id":"p1","meta":{"versionId":"1"},"active":true,"multipleBirthInteger":2,
         "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">x</div>"},
         "name":[{"family":"Chalmers","given":["Peter",null],"_given":[null,{"extension":[{"url":"http://x",
         "valueString":"y"}]}]}],"gender":"male","_gender":{"id":"g"},"birthDate":"1974-12-25",
         "extension":[{"url":"http://x","valueDecimal":1.50},{"url":"http://y","extension":[{"url":"a",
         "valueInteger":3}]}],"contained":[{"resourceType":"Organization","id":"o","active":false}],
         "managingOrganization":{"reference":"#o"},"favouriteColour":"left to the parser"}""";

    assertThatCode(() -> types.check(json(patient))).doesNotThrowAnyException();
  }

  private void assertRefused(String resource, String message) {
    assertThatThrownBy(() -> types.check(json(resource))).as(resource)
        .isInstanceOfSatisfying(FhirException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.outcome().getIssueFirstRep().getCode()).isEqualTo(IssueType.STRUCTURE);
        })
        .hasMessageContaining(message);
  }

  private static JsonNode json(String text) throws IOException {
    return Jackson.MAPPER.readTree(text);
  }
}
