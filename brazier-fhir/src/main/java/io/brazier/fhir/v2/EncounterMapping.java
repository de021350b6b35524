package io.brazier.fhir.v2;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * PV1 as an Encounter, following the v2-to-FHIR segment map PV1[Encounter]: the patient class (PV1-2) as the
 * class, the visit number (PV1-19) as identifier and id, admit and discharge times (PV1-44, PV1-45) as the period
 * and status, the location (PV1-3), the attending, referring and consulting doctors (PV1-7, 8, 9) as participants,
 * admit source (PV1-14) and discharge disposition (PV1-36).
 */
final class EncounterMapping {
  private static final String ACT_CODES = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  private static final String PARTICIPATION_TYPES = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

  private EncounterMapping() {}

  /**
   * The encounter of {@code pv1}; {@code admitted} when the message says the patient is admitted (an A01), so the
   * encounter is in progress though PV1-44 gives no time.
   */
  static Reference map(Segment pv1, Reference patient, boolean admitted, Conversion conversion) {
    Encounter encounter = new Encounter();
    String visit = pv1.value(19);
    encounter.setId(visit != null ? Ids.of("Encounter", patient.getReference(), visit)
        : conversion.idInMessage("Encounter", "PV1"));
    if (visit != null) {
      encounter.addIdentifier(new Identifier().setValue(visit).setType(DataTypes.tableCode("0203", "VN")));
    }
    encounter.setClass_(patientClass(pv1.value(2)));
    encounter.setSubject(patient);
    Period period = new Period().setStartElement(conversion.dates().dateTime(pv1.value(44), "PV1-44"))
        .setEndElement(conversion.dates().dateTime(pv1.value(45), "PV1-45"));
    encounter.setPeriod(period.isEmpty() ? null : period);
    encounter.setStatus(period.hasEnd() ? EncounterStatus.FINISHED
        : admitted || period.hasStart() ? EncounterStatus.INPROGRESS : EncounterStatus.UNKNOWN);
    String location = location(pv1.field(3).first());
    if (location != null) {
      encounter.addLocation().setLocation(new Reference().setDisplay(location));
    }
    participants(encounter, pv1.field(7), "ATND", conversion);
    participants(encounter, pv1.field(8), "REF", conversion);
    participants(encounter, pv1.field(9), "CON", conversion);
    CodeableConcept admitSource = DataTypes.codeableConcept(pv1.field(14).first());
    CodeableConcept disposition = DataTypes.codeableConcept(pv1.field(36).first());
    if (admitSource != null || disposition != null) {
      encounter.getHospitalization().setAdmitSource(admitSource).setDischargeDisposition(disposition);
    }
    return conversion.add(encounter);
  }

  private static void participants(Encounter encounter, Field doctors, String type, Conversion conversion) {
    for (Composite xcn : doctors.repetitions()) {
      Reference practitioner = PractitionerMapping.map(xcn, conversion);
      if (practitioner != null) {
        encounter.addParticipant().setIndividual(practitioner)
            .addType(new CodeableConcept(new Coding(PARTICIPATION_TYPES, type, null)));
      }
    }
  }

  /** v2 table 0004 as v3 ActCode (the v2-to-FHIR concept map PatientClass); a class it has no code for, as is. */
  private static Coding patientClass(String code) {
    String actCode = code == null ? null : switch (code) {
      case "E" -> "EMER";
      case "I" -> "IMP";
      case "O" -> "AMB";
      case "P" -> "PRENC";
      default -> null;
    };
    if (actCode != null) {
      return new Coding(ACT_CODES, actCode, null);
    }
    return code == null ? new Coding("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK", null)
        : new Coding("http://terminology.hl7.org/CodeSystem/v2-0004", code, null);
  }

  /** PL: point of care, room, bed, facility, building and floor, as one name ("4 West, 402, B, North"). */
  private static String location(Composite pl) {
    StringBuilder name = new StringBuilder();
    for (int component : new int[] {1, 2, 3, 4, 7, 8}) {
      String part = component == 4 ? pl.subcomponent(4, 1) : pl.component(component);
      if (part != null) {
        name.append(name.isEmpty() ? "" : ", ").append(part);
      }
    }
    return name.isEmpty() ? null : name.toString();
  }
}
