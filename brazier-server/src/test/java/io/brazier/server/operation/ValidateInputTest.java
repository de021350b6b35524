package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

/**
 * The input of $validate: the resource itself as the body, or a Parameters with resource, mode and profile, the
 * query carrying mode and profile too. https://hl7.org/fhir/R4/resource-operation-validate.html
 */
class ValidateInputTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"gender\":\"female\"}";

  @Test
  void aResourceBodyIsValidatedAsItWasSent() {
    ValidateInput input = read("Patient/$validate?mode=create&profile=http://example.org/p", PATIENT);

    assertThat(input.resource()).isInstanceOf(Patient.class);
    assertThat(input.text()).isEqualTo(PATIENT);
    assertThat(input.mode()).isEqualTo("create");
    assertThat(input.profiles()).containsExactly("http://example.org/p");
  }

  @Test
  void aParametersBodyCarriesTheResourceModeAndProfilesBesideTheQuerys() {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("resource").setResource(new Patient().setActive(true));
    parameters.addParameter("mode", new CodeType("update"));
    parameters.addParameter("profile", new UriType("http://example.org/body"));

    ValidateInput input = read("Patient/$validate?profile=http://example.org/query", json(parameters));

    assertThat(((Patient) input.resource()).getActive()).isTrue();
    assertThat(input.text()).contains("\"active\":true");
    assertThat(input.mode()).isEqualTo("update");
    assertThat(input.profiles()).containsExactly("http://example.org/query", "http://example.org/body");
  }

  @Test
  void whatTheParserDroppedFromAResourceInParametersIsReported() {
    String body = """
        {"resourceType":"Parameters","parameter":[{"name":"resource",
         "resource":{"resourceType":"Patient","wingspan":"2m","birthDate":"yesterday"}}]}""";

    ValidateInput input = read("Patient/$validate", body);

    assertThat(input.parseIssues()).extracting(issue -> issue.getDiagnostics())
        .anySatisfy(text -> assertThat(text).contains("wingspan"))
        .anySatisfy(text -> assertThat(text).contains("yesterday"));
  }

  @Test
  void aParametersResourceCanItselfBeValidated() {
    Parameters parameters = new Parameters();
    parameters.addParameter("anything", "at all");

    ValidateInput input = read("Parameters/$validate", json(parameters));

    assertThat(input.resource()).isInstanceOf(Parameters.class);
    assertThat(input.text()).contains("anything");
  }

  @Test
  void withoutABodyTheStoredResourceIsMeant() {
    ValidateInput input = ValidateInput.read(FHIR,
        FhirRequest.builder("GET", "Patient/1/$validate?mode=delete").build());

    assertThat(input.resource()).isNull();
    assertThat(input.text()).isNull();
    assertThat(input.mode()).isEqualTo("delete");
  }

  @Test
  void anUnknownParameterOrOneWithoutAValueIsABadRequest() {
    Parameters unknown = new Parameters();
    unknown.addParameter("strictness", "high");
    Parameters empty = new Parameters();
    empty.addParameter().setName("mode");

    assertThatThrownBy(() -> read("Patient/$validate", json(unknown)))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("strictness");
    assertThatThrownBy(() -> read("Patient/$validate", json(empty)))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("mode");
  }

  private static ValidateInput read(String url, String body) {
    return ValidateInput.read(FHIR, FhirRequest.builder("POST", url)
        .body(body.getBytes(StandardCharsets.UTF_8), "application/fhir+json").build());
  }

  private static String json(Parameters parameters) {
    return FHIR.context().newJsonParser().encodeResourceToString(parameters);
  }
}
