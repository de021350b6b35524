package io.brazier.fhir.v2;

import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.ContactComponent;
import org.hl7.fhir.r4.model.Reference;

/**
 * PID, and the next of kin of NK1, as a Patient, following the v2-to-FHIR segment maps PID[Patient] and
 * NK1[Patient]. The patient's id comes from its first identifier (PID-3), so every message about one patient
 * converts to the same Patient; a PID without one is identified by its name, birth date and sex.
 */
final class PatientMapping {
  private PatientMapping() {}

  static Reference map(Segment pid, List<Segment> nextOfKin, Conversion conversion) {
    Patient patient = new Patient();
    Composite first = pid.field(3).first();
    patient.setId(first.component(1) != null ? Ids.of("Patient", first.component(1), first.component(4))
        : Ids.of("Patient", pid.field(5).first().raw(), pid.value(7), pid.value(8)));
    pid.field(3).map(DataTypes::identifier).forEach(patient::addIdentifier);
    if (pid.value(19) != null) {
      patient.addIdentifier(new Identifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue(pid.value(19))
          .setType(DataTypes.tableCode("0203", "SS")));
    }
    pid.field(5).map(DataTypes::humanName).forEach(patient::addName);
    patient.setBirthDateElement(conversion.dates().date(pid.value(7), "PID-7"));
    patient.setGender(gender(pid.value(8)));
    pid.field(11).map(DataTypes::address).forEach(patient::addAddress);
    pid.field(13).map(xtn -> DataTypes.contactPoint(xtn, ContactPointUse.HOME)).forEach(patient::addTelecom);
    pid.field(14).map(xtn -> DataTypes.contactPoint(xtn, ContactPointUse.WORK)).forEach(patient::addTelecom);
    CodeableConcept language = DataTypes.codeableConcept(pid.field(15).first());
    if (language != null) {
      patient.addCommunication().setLanguage(language);
    }
    patient.setMaritalStatus(inTable(DataTypes.codeableConcept(pid.field(16).first()), "0002"));
    if (pid.value(25) != null && pid.value(25).matches("\\d+")) {
      patient.setMultipleBirth(new IntegerType(pid.value(25)));
    } else if (pid.value(24) != null) {
      patient.setMultipleBirth(new BooleanType("Y".equals(pid.value(24))));
    }
    if (pid.value(29) != null) {
      patient.setDeceased(conversion.dates().dateTime(pid.value(29), "PID-29"));
    } else if (pid.value(30) != null) {
      patient.setDeceased(new BooleanType("Y".equals(pid.value(30))));
    }
    nextOfKin.forEach(nk1 -> patient.addContact(contact(nk1)));
    return conversion.add(patient);
  }

  /** NK1: the next of kin's name, relationship (v2 table 0063), address and phones. */
  private static ContactComponent contact(Segment nk1) {
    ContactComponent contact = new ContactComponent();
    contact.setName(DataTypes.humanName(nk1.field(2).first()));
    CodeableConcept relationship = inTable(DataTypes.codeableConcept(nk1.field(3).first()), "0063");
    if (relationship != null) {
      contact.addRelationship(relationship);
    }
    contact.setAddress(DataTypes.address(nk1.field(4).first()));
    nk1.field(5).map(xtn -> DataTypes.contactPoint(xtn, ContactPointUse.HOME)).forEach(contact::addTelecom);
    nk1.field(6).map(xtn -> DataTypes.contactPoint(xtn, ContactPointUse.WORK)).forEach(contact::addTelecom);
    return contact;
  }

  /** v2 table 0001. */
  private static AdministrativeGender gender(String sex) {
    return sex == null ? null : switch (sex) {
      case "F" -> AdministrativeGender.FEMALE;
      case "M" -> AdministrativeGender.MALE;
      case "O", "A" -> AdministrativeGender.OTHER;
      default -> AdministrativeGender.UNKNOWN;
    };
  }

  /** A coded value whose codes name no system as codes of the v2 table the field is bound to. */
  private static CodeableConcept inTable(CodeableConcept concept, String table) {
    if (concept != null) {
      concept.getCoding().stream().filter(coding -> !coding.hasSystem())
          .forEach(coding -> coding.setSystem("http://terminology.hl7.org/CodeSystem/v2-" + table));
    }
    return concept;
  }
}
