package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * DG1 as a Condition, a diagnosis of the visit, following the v2-to-FHIR segment map DG1[Condition]: the diagnosis
 * (DG1-3) as the code, when it was made (DG1-5, else when it was attested, DG1-19) as the recorded date, the
 * diagnosing clinician (DG1-16) as the asserter and the diagnosis identifier (DG1-20) as identifier and id.
 */
final class ConditionMapping {
  private static final String CATEGORIES = "http://terminology.hl7.org/CodeSystem/condition-category";

  private ConditionMapping() {}

  static Reference map(Segment dg1, int number, Reference patient, Reference encounter, Conversion conversion) {
    String where = "DG1 " + number;
    CodeableConcept diagnosis = DataTypes.codeableConcept(dg1.field(3).first());
    if (diagnosis == null) {
      throw FhirException.badRequest(where + " needs the diagnosis (DG1-3).");
    }
    Identifier identifier = DataTypes.entityIdentifier(dg1.field(20).first());
    Condition condition = new Condition();
    // Without an identifier, the visit's (else the patient's) diagnosis of this code, whichever message tells it.
    condition.setId(identifier != null ? Ids.of("Condition", "DG1-20", dg1.field(20).first().raw())
        : Ids.of("Condition", (encounter != null ? encounter : patient).getReference(), dg1.field(3).first().raw()));
    if (identifier != null) {
      condition.addIdentifier(identifier);
    }
    condition.setSubject(patient).setEncounter(encounter).setCode(diagnosis);
    condition.addCategory(new CodeableConcept(new Coding(CATEGORIES, "encounter-diagnosis", null)));
    DateTimeType made = conversion.dates().dateTime(dg1.value(5), where + " DG1-5");
    condition.setRecordedDateElement(made != null ? made
        : conversion.dates().dateTime(dg1.value(19), where + " DG1-19"));
    condition.setAsserter(PractitionerMapping.map(dg1.field(16).first(), conversion));
    return conversion.add(condition);
  }
}
