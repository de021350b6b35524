package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;

/**
 * Reading a FHIRPath Patch document, without a server: what the spec makes an operation need, and the 400 of a
 * document that is not one. Applying the operations is {@link FhirPathOperationsTest}'s.
 * https://hl7.org/fhir/R4/fhirpatch.html
 */
class FhirPathPatchTest {
  static final Fhir FHIR = new Fhir(false);
  static final String PATIENT = """
      {"resourceType":"Patient","id":"p1","active":true,"name":[{"family":"Chalmers","given":["Peter","James"]}]}""";

  private final FhirPathPatch fhirPathPatch = new FhirPathPatch(FHIR);

  @Test
  void aWellFormedDocumentIsAppliedInOrder() {
    Parameters patch = new Parameters();
    patch.addParameter(operation("replace", "Patient.active").addPart(value(new BooleanType(false))));
    patch.addParameter(operation("delete", "Patient.active"));

    String patched = apply(patch);

    assertThat(patched).doesNotContain("active");
  }

  @Test
  void aDocumentReadOnceAppliesToEveryResourceAlike() {
    // A $bulk-update reads its patch once and applies it to every resource: nothing of one stays for the next.
    PatchDocument document = fhirPathPatch.parse(document(
        operation("replace", "Patient.name.family").addPart(value(new StringType("Smith"))),
        operation("insert", "Patient.name[0].given").addPart(value(new StringType("Jo")))
            .addPart(part("index", new IntegerType(0))),
        operation("delete", "Patient.active")));
    String other = """
        {"resourceType":"Patient","id":"p2","active":false,"name":[{"family":"Jones","given":["Ann"]}]}""";

    for (int i = 0; i < 2; i++) {
      assertThat(new String(document.apply(PATIENT.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
          .isEqualTo("""
              {"resourceType":"Patient","id":"p1","name":[{"family":"Smith","given":["Jo","Peter","James"]}]}""");
      assertThat(new String(document.apply(other.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
          .isEqualTo("""
              {"resourceType":"Patient","id":"p2","name":[{"family":"Smith","given":["Jo","Ann"]}]}""");
    }
  }

  @Test
  void aDocumentHoldsOnlyOperations() {
    Parameters patch = new Parameters();
    patch.addParameter().setName("op").addPart(part("type", new CodeType("delete")));

    assertMalformed(patch);
  }

  @Test
  void anOperationNeedsAKnownTypeAndAPath() {
    assertMalformed(document(operation("remove", "Patient.active")));
    assertMalformed(document(new ParametersParameterComponent().setName("operation")
        .addPart(part("path", new StringType("Patient.active")))));
    assertMalformed(document(new ParametersParameterComponent().setName("operation")
        .addPart(part("type", new CodeType("delete")))));
  }

  @Test
  void eachTypeNeedsItsOwnParts() {
    assertMalformed(document(operation("add", "Patient").addPart(value(new BooleanType(true)))));
    assertMalformed(document(operation("add", "Patient").addPart(part("name", new StringType("active")))));
    assertMalformed(document(operation("insert", "Patient.name").addPart(value(new StringType("x")))));
    assertMalformed(document(operation("replace", "Patient.active")));
    assertMalformed(document(operation("move", "Patient.name").addPart(part("source", new IntegerType(0)))));
    assertMalformed(document(operation("upsert", "Patient").addPart(value(new BooleanType(true)))));
  }

  @Test
  void anOperationHasNoUnknownNorRepeatedParts() {
    assertMalformed(document(operation("delete", "Patient.active").addPart(part("where", new StringType("x")))));
    assertMalformed(document(operation("delete", "Patient.active").addPart(part("path", new StringType("Patient")))));
  }

  @Test
  void indexesAreIntegers() {
    assertMalformed(document(operation("insert", "Patient.name").addPart(value(new StringType("x")))
        .addPart(part("index", new StringType("0")))));
    assertMalformed(document(operation("move", "Patient.name").addPart(part("source", new IntegerType(0)))
        .addPart(part("destination", new StringType("1")))));
  }

  @Test
  void aPathMustBeFhirPath() {
    assertMalformed(document(operation("delete", "Patient.name[0")));
    assertMalformed(document(operation("delete", "Patient..active")));
  }

  @Test
  void aValueMustHoldSomething() {
    assertMalformed(document(operation("replace", "Patient.active").addPart(new ParametersParameterComponent()
        .setName("value"))));
  }

  @Test
  void aWellFormedOperationThatCannotApplyIsUnprocessable() {
    PatchDocument document = fhirPathPatch.parse(document(operation("replace", "Patient.birthDate")
        .addPart(value(new StringType("1970-01-01")))));

    assertThatThrownBy(() -> document.apply(PATIENT.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(422));
  }

  static ParametersParameterComponent operation(String type, String path) {
    return new ParametersParameterComponent().setName("operation").addPart(part("type", new CodeType(type)))
        .addPart(part("path", new StringType(path)));
  }

  static ParametersParameterComponent part(String name, Type value) {
    return new ParametersParameterComponent().setName(name).setValue(value);
  }

  static ParametersParameterComponent value(Type value) {
    return part("value", value);
  }

  static Parameters document(ParametersParameterComponent... operations) {
    Parameters patch = new Parameters();
    for (ParametersParameterComponent operation : operations) {
      patch.addParameter(operation);
    }
    return patch;
  }

  private String apply(Parameters patch) {
    byte[] patched = fhirPathPatch.parse(patch).apply(PATIENT.getBytes(StandardCharsets.UTF_8));
    return new String(patched, StandardCharsets.UTF_8);
  }

  private void assertMalformed(Parameters patch) {
    assertThatThrownBy(() -> fhirPathPatch.parse(patch))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
