package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * An operation's input parameters, from the query string or a Parameters body, without a server.
 * https://hl7.org/fhir/R4/operations.html#request
 */
class OperationInputTest {
  private static final Fhir FHIR = new Fhir(false);

  @Test
  void aGetTakesItsParametersFromTheQuery() {
    OperationInput input = get("$export?_type=Patient,Observation&_since=2024-01-01");

    assertThat(input.value("_since")).isEqualTo("2024-01-01");
    assertThat(input.list("_type")).containsExactly("Patient", "Observation");
    assertThat(input.names()).containsExactlyInAnyOrder("_type", "_since");
    assertThat(input.inQuery("_since")).isTrue();
    assertThat(input.value("_outputFormat")).isNull();
  }

  @Test
  void aPostTakesThemFromTheParametersBodyToo() {
    Parameters body = new Parameters();
    body.addParameter("url", "http://example.org/vs");
    body.addParameter().setName("patient").setValue(new Reference("Patient/1"));
    body.addParameter().setName("patient").setValue(new Reference("Patient/2"));

    OperationInput input = post("$export?_type=Patient", body);

    assertThat(input.value("url")).isEqualTo("http://example.org/vs");
    assertThat(input.values("patient")).containsExactly("Patient/1", "Patient/2");
    assertThat(input.names()).containsExactlyInAnyOrder("_type", "url", "patient");
    assertThat(input.inQuery("url")).isFalse();
  }

  @Test
  void aBodyInXmlIsReadToo() {
    Parameters body = new Parameters();
    body.addParameter("count", new IntegerType(7));
    byte[] xml = FHIR.context().newXmlParser().encodeResourceToString(body).getBytes(StandardCharsets.UTF_8);

    OperationInput input = new OperationInput(FHIR, FhirRequest.builder("POST", "ValueSet/$expand")
        .body(xml, "application/fhir+xml").build());

    assertThat(input.integer("count", 20)).isEqualTo(7);
  }

  @Test
  void aBodyThatIsNotParametersIsABadRequest() {
    byte[] patient = FHIR.context().newJsonParser().encodeResourceToString(new Patient())
        .getBytes(StandardCharsets.UTF_8);
    FhirRequest request = FhirRequest.builder("POST", "$validate").body(patient, "application/fhir+json").build();

    assertThatThrownBy(() -> new OperationInput(FHIR, request))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("Patient");
  }

  @Test
  void aListSplitsCommasAndDropsBlanksAcrossRepeats() {
    OperationInput input = get("$export?_type=Patient,,%20Observation%20&_type=Encounter,");

    assertThat(input.list("_type")).containsExactly("Patient", "Observation", "Encounter");
  }

  @Test
  void aSingleValueMayRepeatButNotDiffer() {
    assertThat(get("$export?_outputFormat=ndjson&_outputFormat=ndjson").single("_outputFormat")).isEqualTo("ndjson");
    assertThat(get("$export").single("_outputFormat")).isNull();
    assertThatThrownBy(() -> get("$export?_since=2024&_since=2025").single("_since"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("_since");
  }

  @Test
  void aValueThatIsNeitherPrimitiveNorAReferenceWithOneIsABadRequestNamingTheParameter() {
    Parameters identified = new Parameters();
    identified.addParameter().setName("patient").setValue(new Reference().setIdentifier(new Identifier()
        .setValue("mrn-7")));
    Parameters coded = new Parameters();
    coded.addParameter().setName("_since").setValue(new Coding("http://example.org", "yesterday", null));

    assertThatThrownBy(() -> post("Patient/$export", identified).list("patient"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("patient").hasMessageContaining("reference");
    assertThatThrownBy(() -> post("$export", coded).single("_since"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("_since").hasMessageContaining("Coding");
  }

  @Test
  void anIntegerIsAWholeNumberOfZeroOrMore() {
    assertThat(get("ValueSet/$expand?count=0").integer("count", 20)).isZero();
    assertThat(get("ValueSet/$expand").integer("count", 20)).isEqualTo(20);
    for (String bad : new String[] {"-1", "ten", "1.5"}) {
      assertThatThrownBy(() -> get("ValueSet/$expand?count=" + bad).integer("count", 20)).as(bad)
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageContaining("count");
    }
  }

  @Test
  void aCodingIsAParameterOrMadeOfSystemCodeAndDisplay() {
    Parameters body = new Parameters();
    body.addParameter().setName("coding").setValue(new Coding("http://loinc.org", "8867-4", "Heart rate"));

    Coding given = post("CodeSystem/$lookup", body).coding("coding");
    Coding made = get("CodeSystem/$lookup?system=http://loinc.org&code=8867-4").coding("coding");

    assertThat(given.getCode()).isEqualTo("8867-4");
    assertThat(made.getSystem()).isEqualTo("http://loinc.org");
    assertThat(made.getCode()).isEqualTo("8867-4");
    assertThat(get("CodeSystem/$lookup?system=http://loinc.org").coding("coding")).isNull();
  }

  @Test
  void conceptsResourcesAndPartsComeFromTheBody() {
    Parameters body = new Parameters();
    body.addParameter().setName("codeableConcept").setValue(new CodeableConcept().setText("pulse"));
    body.addParameter().setName("valueSet").setResource(new ValueSet().setUrl("http://example.org/vs"));
    body.addParameter().setName("input").addPart().setName("url").setValue(new StringType("file:///a.ndjson"));
    body.addParameter().setName("input").addPart().setName("url").setValue(new StringType("file:///b.ndjson"));

    OperationInput input = post("$op", body);

    assertThat(input.codeableConcept("codeableConcept").getText()).isEqualTo("pulse");
    assertThat(((ValueSet) input.resource("valueSet")).getUrl()).isEqualTo("http://example.org/vs");
    assertThat(input.parts("input")).hasSize(2);
    assertThat(input.codeableConcept("valueSet")).isNull();
    assertThat(input.resource("missing")).isNull();
  }

  private static OperationInput get(String url) {
    return new OperationInput(FHIR, FhirRequest.builder("GET", url).build());
  }

  private static OperationInput post(String url, Parameters body) {
    byte[] json = FHIR.context().newJsonParser().encodeResourceToString(body).getBytes(StandardCharsets.UTF_8);
    return new OperationInput(FHIR, FhirRequest.builder("POST", url).body(json, "application/fhir+json").build());
  }
}
