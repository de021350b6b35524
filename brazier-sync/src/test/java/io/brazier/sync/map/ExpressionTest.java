package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** A map's FHIRPath, compiled once and evaluated on HAPI's resources. */
class ExpressionTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final FhirPath FHIR_PATH = new FhirPath(FHIR);

  private final Patient patient = chalmers();

  @Test
  void aSimplePathReadsEveryValueOnTheResource() {
    Expression families = Expression.compile(FHIR_PATH, "name.family");

    assertThat(families.evaluate(patient, patient)).extracting(Base::primitiveValue)
        .containsExactly("Chalmers", "Windsor");
  }

  @Test
  void aFunctionGoesToTheFhirPathEngine() {
    Expression official = Expression.compile(FHIR_PATH, "name.where(use = 'official').family.first()");

    assertThat(official.evaluate(patient, patient)).extracting(Base::primitiveValue).containsExactly("Chalmers");
  }

  @Test
  void aUnionReadsEachTermInTurnKeepingDuplicates() {
    Expression union = Expression.compile(FHIR_PATH, "gender | name.family.first() | gender");

    assertThat(union.evaluate(patient, patient)).extracting(Base::primitiveValue)
        .containsExactly("male", "Chalmers", "male");
  }

  @Test
  void onAnElementThePathStartsThereAndTheResourceIsStillAtHand() {
    Identifier second = patient.getIdentifier().get(1);

    assertThat(Expression.compile(FHIR_PATH, "value").evaluate(patient, second))
        .extracting(Base::primitiveValue).containsExactly("12345");
    assertThat(Expression.compile(FHIR_PATH, "%resource.gender").evaluate(patient, second))
        .extracting(Base::primitiveValue).containsExactly("male");
  }

  @Test
  void aPathToNothingGivesNothing() {
    assertThat(Expression.compile(FHIR_PATH, "birthDate").evaluate(patient, patient)).isEmpty();
  }

  @Test
  void anExpressionOfOnlyBarsIsRefusedAsEmpty() {
    assertThatThrownBy(() -> Expression.compile(FHIR_PATH, " | ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("is empty: give a FHIRPath expression");
  }

  @Test
  void anExpressionIsShownAsItWasWritten() {
    assertThat(Expression.compile(FHIR_PATH, "name.family | gender")).hasToString("name.family | gender");
  }

  private static Patient chalmers() {
    Patient patient = new Patient();
    patient.setId("p1");
    patient.setGender(AdministrativeGender.MALE);
    patient.addName().setUse(org.hl7.fhir.r4.model.HumanName.NameUse.OFFICIAL).setFamily("Chalmers");
    patient.addName().setUse(org.hl7.fhir.r4.model.HumanName.NameUse.MAIDEN).setFamily("Windsor");
    patient.addIdentifier().setSystem("urn:mrn").setValue("MRN-1");
    patient.addIdentifier().setSystem("urn:ssn").setValue("12345");
    return patient;
  }
}
