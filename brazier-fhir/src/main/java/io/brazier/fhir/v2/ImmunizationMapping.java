package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import java.math.BigDecimal;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * RXA, with the route and site of the RXR after it, as an Immunization, following the v2-to-FHIR segment map
 * RXA[Immunization]: the vaccine (RXA-5), its time (RXA-3), dose (RXA-6, RXA-7), administering provider (RXA-10),
 * lot and expiry (RXA-15, RXA-16), manufacturer (RXA-17), refusal reason (RXA-18), completion status (RXA-20) and
 * action (RXA-21), and whether it is reported by whoever gave it (RXA-9, CDC's NIP001: 00 a new record).
 */
final class ImmunizationMapping {
  /** RXA-6's "amount unknown". */
  private static final String UNKNOWN_AMOUNT = "999";

  private ImmunizationMapping() {}

  static Reference map(Segment rxa, Segment rxr, int number, Reference patient, Reference encounter,
      Conversion conversion) {
    String where = "RXA " + number;
    Immunization immunization = new Immunization();
    immunization.setId(conversion.idInMessage("Immunization", patient.getReference(), "RXA",
        String.valueOf(number)));
    CodeableConcept vaccine = DataTypes.codeableConcept(rxa.field(5).first());
    if (vaccine == null || rxa.value(3) == null) {
      throw FhirException.badRequest(where + " needs the vaccine (RXA-5) and when it was given (RXA-3).");
    }
    immunization.setVaccineCode(vaccine).setPatient(patient).setEncounter(encounter);
    immunization.setOccurrence(conversion.dates().dateTime(rxa.value(3), where + " RXA-3"));
    immunization.setStatus(status(rxa.value(20), rxa.value(21)));
    immunization.setStatusReason(DataTypes.codeableConcept(rxa.field(18).first()));
    String amount = rxa.value(6);
    if (amount != null && !amount.equals(UNKNOWN_AMOUNT)) {
      immunization.setDoseQuantity(dose(amount, rxa.field(7).first(), where));
    }
    Reference performer = PractitionerMapping.map(rxa.field(10).first(), conversion);
    if (performer != null) {
      immunization.addPerformer().setActor(performer).setFunction(DataTypes.tableCode("0443", "AP"));
    }
    immunization.setLotNumber(rxa.value(15));
    immunization.setExpirationDateElement(conversion.dates().date(rxa.value(16), where + " RXA-16"));
    Composite manufacturer = rxa.field(17).first();
    if (manufacturer.component(1) != null || manufacturer.component(2) != null) {
      immunization.setManufacturer(new Reference().setDisplay(manufacturer.component(2)).setIdentifier(
          manufacturer.component(1) == null ? null : new Identifier().setValue(manufacturer.component(1))
              .setSystem(DataTypes.system(manufacturer.component(3)))));
    }
    String source = rxa.value(9);
    if (source != null) {
      immunization.setPrimarySource(source.equals("00"));
      if (!source.equals("00")) {
        immunization.setReportOrigin(DataTypes.codeableConcept(rxa.field(9).first()));
      }
    }
    if (rxr != null) {
      immunization.setRoute(DataTypes.codeableConcept(rxr.field(1).first()));
      immunization.setSite(DataTypes.codeableConcept(rxr.field(2).first()));
    }
    return conversion.add(immunization);
  }

  private static Quantity dose(String amount, Composite units, String where) {
    Quantity dose = new Quantity();
    try {
      dose.setValue(new BigDecimal(amount.strip()));
    } catch (NumberFormatException notANumber) {
      throw FhirException.badRequest(where + " has '" + amount + "' as its amount (RXA-6), which is not a number.");
    }
    if (units.component(1) != null) {
      dose.setCode(units.component(1)).setUnit(units.component(2) != null ? units.component(2)
          : units.component(1)).setSystem(DataTypes.system(units.component(3)));
    }
    return dose;
  }

  /** RXA-21 D (deleted) is entered-in-error; RXA-20 (v2 table 0322) RE and NA not done; else completed. */
  private static ImmunizationStatus status(String completion, String action) {
    if ("D".equals(action)) {
      return ImmunizationStatus.ENTEREDINERROR;
    }
    return "RE".equals(completion) || "NA".equals(completion) ? ImmunizationStatus.NOTDONE
        : ImmunizationStatus.COMPLETED;
  }
}
