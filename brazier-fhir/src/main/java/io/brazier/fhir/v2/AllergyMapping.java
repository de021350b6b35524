package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCategory;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCriticality;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceSeverity;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/**
 * AL1 as an AllergyIntolerance of the patient, following the v2-to-FHIR segment map AL1[AllergyIntolerance]: the
 * allergen (AL1-3) as the code, its type (AL1-2) as the category, the severity (AL1-4) as the criticality and each
 * reaction's severity, the reactions (AL1-5) and when the allergy was identified (AL1-6) as the onset; active, as
 * the map assigns.
 */
final class AllergyMapping {
  private static final String CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";

  private AllergyMapping() {}

  static Reference map(Segment al1, int number, Reference patient, Conversion conversion) {
    String where = "AL1 " + number;
    CodeableConcept allergen = DataTypes.codeableConcept(al1.field(3).first());
    if (allergen == null) {
      throw FhirException.badRequest(where + " needs the allergen (AL1-3).");
    }
    AllergyIntolerance allergy = new AllergyIntolerance();
    // The patient's allergy to this allergen, whichever message tells of it again.
    allergy.setId(Ids.of("AllergyIntolerance", patient.getReference(), al1.field(3).first().raw()));
    allergy.setPatient(patient).setCode(allergen);
    allergy.setClinicalStatus(new CodeableConcept(new Coding(CLINICAL_STATUS, "active", null)));
    AllergyIntoleranceCategory category = category(al1.value(2));
    if (category != null) {
      allergy.addCategory(category);
    }
    String severity = al1.value(4);
    allergy.setCriticality(criticality(severity));
    for (Composite reaction : al1.field(5).repetitions()) {
      allergy.addReaction().setSeverity(severity(severity))
          .addManifestation(new CodeableConcept().setText(reaction.component(1)));
    }
    allergy.setOnset(conversion.dates().dateTime(al1.value(6), where + " AL1-6"));
    return conversion.add(allergy);
  }

  /** v2 table 0127 (allergen type) as the category; a miscellaneous allergy or contraindication has none. */
  private static AllergyIntoleranceCategory category(String type) {
    return type == null ? null : switch (type) {
      case "DA" -> AllergyIntoleranceCategory.MEDICATION;
      case "FA" -> AllergyIntoleranceCategory.FOOD;
      case "EA", "AA", "PA", "LA" -> AllergyIntoleranceCategory.ENVIRONMENT;
      default -> null;
    };
  }

  /** v2 table 0128 (allergy severity) as the criticality: a severe allergy is a high risk, a mild or moderate low. */
  private static AllergyIntoleranceCriticality criticality(String severity) {
    return severity == null ? null : switch (severity) {
      case "SV" -> AllergyIntoleranceCriticality.HIGH;
      case "MO", "MI" -> AllergyIntoleranceCriticality.LOW;
      case "U" -> AllergyIntoleranceCriticality.UNABLETOASSESS;
      default -> null;
    };
  }

  private static AllergyIntoleranceSeverity severity(String severity) {
    return severity == null ? null : switch (severity) {
      case "SV" -> AllergyIntoleranceSeverity.SEVERE;
      case "MO" -> AllergyIntoleranceSeverity.MODERATE;
      case "MI" -> AllergyIntoleranceSeverity.MILD;
      default -> null;
    };
  }
}
