package io.brazier.server.interaction;

import static io.brazier.server.interaction.FhirPathPatchTest.FHIR;
import static io.brazier.server.interaction.FhirPathPatchTest.document;
import static io.brazier.server.interaction.FhirPathPatchTest.operation;
import static io.brazier.server.interaction.FhirPathPatchTest.part;
import static io.brazier.server.interaction.FhirPathPatchTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * The five FHIRPath Patch operations, and Microsoft's upsert, applied to a Patient in the R4 model, each with the spec's rules on how many
 * elements its path may match and which indexes a list allows. https://hl7.org/fhir/R4/fhirpatch.html
 */
class FhirPathOperationsTest {
  private static final String PATIENT = """
      {"resourceType":"Patient","id":"p1","active":true,
       "identifier":[{"system":"urn:mrn","value":"1"},{"system":"urn:ssn","value":"2"},
                     {"system":"urn:mrn","value":"3"}],
       "name":[{"family":"Chalmers","given":["Peter","James"]}],
       "contained":[{"resourceType":"Practitioner","id":"gp","active":true}]}""";

  private final FhirPathPatch fhirPathPatch = new FhirPathPatch(FHIR);

  @Test
  void addSetsAnAbsentElement() {
    Patient patched = apply(operation("add", "Patient").addPart(part("name", new StringType("birthDate")))
        .addPart(value(new DateType("1974-12-25"))));

    assertThat(patched.getBirthDateElement().getValueAsString()).isEqualTo("1974-12-25");
  }

  @Test
  void addAppendsToAList() {
    Patient patched = apply(operation("add", "Patient.name[0]").addPart(part("name", new StringType("given")))
        .addPart(value(new StringType("Jim"))));

    assertThat(patched.getNameFirstRep().getGiven()).extracting(StringType::getValue)
        .containsExactly("Peter", "James", "Jim");
  }

  @Test
  void addBuildsAnElementFromItsParts() {
    Patient patched = apply(operation("add", "Patient").addPart(part("name", new StringType("contact")))
        .addPart(new ParametersParameterComponent().setName("value")
            .addPart(part("name", new HumanName().setFamily("Chalmers").addGiven("Jane")))
            .addPart(part("gender", new CodeType("female")))));

    assertThat(patched.getContactFirstRep().getName().getFamily()).isEqualTo("Chalmers");
    assertThat(patched.getContactFirstRep().getGender().toCode()).isEqualTo("female");
  }

  @Test
  void addToASingleElementThatHasAValueIsUnprocessable() {
    assertUnprocessable(operation("add", "Patient").addPart(part("name", new StringType("active")))
        .addPart(value(new BooleanType(false))));
  }

  @Test
  void addOfAnElementTheTypeDoesNotHaveIsUnprocessable() {
    assertUnprocessable(operation("add", "Patient").addPart(part("name", new StringType("colour")))
        .addPart(value(new StringType("blue"))));
  }

  @Test
  void insertPutsTheValueAtTheIndexAndTheCountAppends() {
    Patient patched = apply(
        operation("insert", "Patient.name[0].given").addPart(value(new StringType("first")))
            .addPart(part("index", new IntegerType(0))),
        operation("insert", "Patient.name[0].given").addPart(value(new StringType("last")))
            .addPart(part("index", new IntegerType(3))));

    assertThat(patched.getNameFirstRep().getGiven()).extracting(StringType::getValue)
        .containsExactly("first", "Peter", "James", "last");
  }

  @Test
  void insertIntoAnEmptyListAtZeroCreatesIt() {
    Patient patched = apply(operation("insert", "Patient.telecom").addPart(new ParametersParameterComponent()
        .setName("value").addPart(part("system", new CodeType("phone"))).addPart(part("value",
            new StringType("555-0100")))).addPart(part("index", new IntegerType(0))));

    assertThat(patched.getTelecomFirstRep().getValue()).isEqualTo("555-0100");
  }

  @Test
  void insertOutsideTheListIsUnprocessable() {
    assertUnprocessable(operation("insert", "Patient.name[0].given").addPart(value(new StringType("x")))
        .addPart(part("index", new IntegerType(3))));
    assertUnprocessable(operation("insert", "Patient.name[0].given").addPart(value(new StringType("x")))
        .addPart(part("index", new IntegerType(-1))));
  }

  @Test
  void insertNeedsAPathThatEndsInAList() {
    assertUnprocessable(operation("insert", "Patient.active").addPart(value(new BooleanType(false)))
        .addPart(part("index", new IntegerType(0))));
    assertUnprocessable(operation("insert", "Patient.identifier.where(system = 'urn:mrn')")
        .addPart(value(new Identifier().setValue("4"))).addPart(part("index", new IntegerType(0))));
  }

  @Test
  void deleteRemovesTheOneElementItFinds() {
    Patient patched = apply(operation("delete", "Patient.identifier.where(system = 'urn:ssn')"),
        operation("delete", "Patient.name[0].given[0]"));

    assertThat(patched.getIdentifier()).extracting(Identifier::getValue).containsExactly("1", "3");
    assertThat(patched.getNameFirstRep().getGiven()).extracting(StringType::getValue).containsExactly("James");
  }

  @Test
  void deleteOfNothingChangesNothing() {
    Patient patched = apply(operation("delete", "Patient.birthDate"),
        operation("delete", "Patient.identifier.where(system = 'urn:npi')"));

    assertThat(patched.getIdentifier()).hasSize(3);
    assertThat(patched.getActive()).isTrue();
  }

  @Test
  void deleteOfMoreThanOneElementIsUnprocessable() {
    assertUnprocessable(operation("delete", "Patient.identifier.where(system = 'urn:mrn')"));
  }

  @Test
  void replaceChangesTheElementInPlaceInItsList() {
    Patient patched = apply(operation("replace", "Patient.identifier.where(system = 'urn:ssn')")
        .addPart(value(new Identifier().setSystem("urn:ssn").setValue("22"))));

    assertThat(patched.getIdentifier()).extracting(Identifier::getValue).containsExactly("1", "22", "3");
  }

  @Test
  void replaceNeedsExactlyOneElement() {
    assertUnprocessable(operation("replace", "Patient.birthDate").addPart(value(new DateType("1974-12-25"))));
    assertUnprocessable(operation("replace", "Patient.identifier.where(system = 'urn:mrn')")
        .addPart(value(new Identifier().setValue("4"))));
  }

  @Test
  void replaceWithAValueOfTheWrongTypeIsUnprocessable() {
    assertUnprocessable(operation("replace", "Patient.active").addPart(value(new DateType("1974-12-25"))));
  }

  @Test
  void upsertAddsAnAbsentElementAndReplacesAPresentOne() {
    Patient added = apply(operation("upsert", "Patient").addPart(part("name", new StringType("birthDate")))
        .addPart(value(new DateType("1974-12-25"))));
    Patient replaced = apply(operation("upsert", "Patient").addPart(part("name", new StringType("active")))
        .addPart(value(new BooleanType(false))));
    Patient twice = apply(operation("upsert", "Patient.name[0]").addPart(part("name", new StringType("family")))
        .addPart(value(new StringType("Chalmers-Smith"))), operation("upsert", "Patient.name[0]")
        .addPart(part("name", new StringType("family"))).addPart(value(new StringType("Chalmers-Smith"))));

    assertThat(added.getBirthDateElement().getValueAsString()).isEqualTo("1974-12-25");
    assertThat(replaced.getActive()).isFalse();
    assertThat(twice.getName()).extracting(HumanName::getFamily).containsExactly("Chalmers-Smith");
  }

  @Test
  void upsertOfAListWithOneValueReplacesItAndOfAListWithMoreIsUnprocessable() {
    Patient patched = apply(operation("upsert", "Patient").addPart(part("name", new StringType("name")))
        .addPart(value(new HumanName().setFamily("Smith"))));

    assertThat(patched.getName()).extracting(HumanName::getFamily).containsExactly("Smith");
    assertUnprocessable(operation("upsert", "Patient").addPart(part("name", new StringType("identifier")))
        .addPart(value(new Identifier().setValue("4"))));
  }

  @Test
  void moveTakesTheSourceOutAndPutsItAtTheDestination() {
    Patient patched = apply(operation("move", "Patient.identifier").addPart(part("source", new IntegerType(0)))
        .addPart(part("destination", new IntegerType(2))));

    assertThat(patched.getIdentifier()).extracting(Identifier::getValue).containsExactly("2", "3", "1");
  }

  @Test
  void moveOutsideTheListIsUnprocessable() {
    assertUnprocessable(operation("move", "Patient.identifier").addPart(part("source", new IntegerType(3)))
        .addPart(part("destination", new IntegerType(0))));
    assertUnprocessable(operation("move", "Patient.identifier").addPart(part("source", new IntegerType(0)))
        .addPart(part("destination", new IntegerType(3))));
  }

  @Test
  void aPathIntoAContainedResourceChangesIt() {
    Patient patched = apply(operation("replace", "Patient.contained.active")
        .addPart(value(new BooleanType(false))));

    assertThat(((Practitioner) patched.getContained().get(0)).getActive()).isFalse();
  }

  @Test
  void aPathOutsideTheResourceChangesNothingAndIsUnprocessable() {
    // FHIRPath may make new elements ('x' is a string of no resource): a patch may only change the resource's own.
    assertUnprocessable(operation("replace", "'x'").addPart(value(new StringType("y"))));
  }

  @Test
  void aReferenceResolvesToNothingAPatchCouldChangeOutsideTheResource() {
    ParametersParameterComponent refer = operation("add", "Patient")
        .addPart(part("name", new StringType("generalPractitioner")))
        .addPart(value(new Reference("Practitioner/elsewhere")));
    ParametersParameterComponent edit = operation("add", "Patient.generalPractitioner.resolve()")
        .addPart(part("name", new StringType("active"))).addPart(value(new BooleanType(true)));

    assertThatThrownBy(() -> apply(refer, edit))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(422));
  }

  private Patient apply(ParametersParameterComponent... operations) {
    byte[] patched = fhirPathPatch.parse(document(operations)).apply(PATIENT.getBytes(StandardCharsets.UTF_8));
    return FHIR.context().newJsonParser().parseResource(Patient.class, new String(patched, StandardCharsets.UTF_8));
  }

  private void assertUnprocessable(ParametersParameterComponent operation) {
    assertThatThrownBy(() -> apply(operation))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(422));
  }
}
