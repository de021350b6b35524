package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Procedure.ProcedureStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * PR1 as a Procedure done in the visit, following the v2-to-FHIR segment map PR1[Procedure]: the procedure (PR1-3)
 * as the code, its time (PR1-5), the surgeon (PR1-11) as performer and the procedure identifier (PR1-19) as
 * identifier and id; completed, as a procedure a message reports is one that was done.
 */
final class ProcedureMapping {
  private ProcedureMapping() {}

  static Reference map(Segment pr1, int number, Reference patient, Reference encounter, Conversion conversion) {
    String where = "PR1 " + number;
    CodeableConcept code = DataTypes.codeableConcept(pr1.field(3).first());
    if (code == null) {
      throw FhirException.badRequest(where + " needs the procedure (PR1-3).");
    }
    Identifier identifier = DataTypes.entityIdentifier(pr1.field(19).first());
    Procedure procedure = new Procedure();
    // Without an identifier, the visit's (else the patient's) procedure of this code at this time.
    procedure.setId(identifier != null ? Ids.of("Procedure", "PR1-19", pr1.field(19).first().raw())
        : Ids.of("Procedure", (encounter != null ? encounter : patient).getReference(), pr1.field(3).first().raw(),
            String.valueOf(pr1.value(5))));
    if (identifier != null) {
      procedure.addIdentifier(identifier);
    }
    procedure.setStatus(ProcedureStatus.COMPLETED).setSubject(patient).setEncounter(encounter).setCode(code);
    procedure.setPerformed(conversion.dates().dateTime(pr1.value(5), where + " PR1-5"));
    Reference surgeon = PractitionerMapping.map(pr1.field(11).first(), conversion);
    if (surgeon != null) {
      procedure.addPerformer().setActor(surgeon);
    }
    return conversion.add(procedure);
  }
}
