package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import java.math.BigDecimal;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;

/**
 * OBX as an Observation, following the v2-to-FHIR segment map OBX[Observation]: the code (OBX-3), the value
 * (OBX-5) as its type OBX-2 says (NM a Quantity in the units of OBX-6, SN a Quantity, Range or Ratio, CE and CWE a
 * CodeableConcept, ST, TX and FT a string, DT, TS and DTM a dateTime, TM a time), the reference range (OBX-7),
 * interpretation (OBX-8), status (OBX-11) and time (OBX-14, else its report's).
 */
final class ObservationMapping {
  private ObservationMapping() {}

  /**
   * The observation of {@code obx}, the {@code number}th of the report whose id is {@code reportId} (so that a
   * corrected report's observations update those it corrects); {@code reportTime} when OBX-14 gives none.
   */
  static Reference map(Segment obx, String reportId, int number, Reference patient, Reference encounter,
      Type reportTime, Conversion conversion) {
    String where = "OBX " + number + " of report " + reportId;
    Observation observation = new Observation();
    observation.setId(Ids.of("Observation", reportId, String.valueOf(number)));
    observation.setStatus(status(obx.value(11)));
    CodeableConcept code = DataTypes.codeableConcept(obx.field(3).first());
    if (code == null) {
      throw FhirException.badRequest(where + " has no OBX-3, the observation's code.");
    }
    observation.setCode(code);
    observation.setSubject(patient).setEncounter(encounter);
    observation.setValue(value(obx, where, conversion));
    if (obx.value(7) != null) {
      observation.addReferenceRange().setText(obx.value(7));
    }
    obx.field(8).map(interpretation -> DataTypes.tableCode("0078", interpretation.component(1)))
        .forEach(observation::addInterpretation);
    Type time = conversion.dates().dateTime(obx.value(14), where + " OBX-14");
    observation.setEffective(time != null ? time : reportTime);
    return conversion.add(observation);
  }

  private static Type value(Segment obx, String where, Conversion conversion) {
    Field value = obx.field(5);
    String type = obx.value(2);
    if (value.isEmpty()) {
      return null;
    }
    if (type == null) {
      throw FhirException.badRequest(where + " has a value (OBX-5) but no OBX-2 to say its type.");
    }
    Composite first = value.first();
    return switch (type) {
      case "NM" -> quantity(number(first.component(1), where), obx.field(6).first());
      case "SN" -> structuredNumeric(first, obx.field(6).first(), where);
      case "CE", "CWE", "CNE", "CF" -> DataTypes.codeableConcept(first);
      case "ST", "TX", "FT" -> new StringType(String.join("\n",
          value.map(repetition -> repetition.component(1) == null ? "" : repetition.component(1))));
      case "DT", "TS", "DTM" -> conversion.dates().dateTime(first.component(1), where + " OBX-5");
      case "TM" -> new TimeType(first.component(1));
      default -> throw FhirException.badRequest(where + " has a value of type " + type + " (OBX-2); the types"
          + " converted are NM, SN, CE, CWE, CNE, CF, ST, TX, FT, DT, TS, DTM and TM.");
    };
  }

  /** A number and the units of OBX-6 (a UCUM code when OBX-6 names UCUM as the system). */
  private static Quantity quantity(BigDecimal number, Composite units) {
    Quantity quantity = new Quantity().setValue(number);
    if (units.component(1) != null) {
      quantity.setUnit(units.component(2) != null ? units.component(2) : units.component(1));
      quantity.setCode(units.component(1)).setSystem(DataTypes.system(units.component(3)));
    }
    return quantity;
  }

  /** SN: {@code <comparator>^<number>^<separator>^<number>}: {@code >^5}, {@code ^10^-^20}, {@code ^1^:^128}. */
  private static Type structuredNumeric(Composite sn, Composite units, String where) {
    String separator = sn.component(3);
    if (separator == null) {
      Quantity quantity = quantity(number(sn.component(2), where), units);
      return quantity.setComparator(comparator(sn.component(1)));
    }
    Quantity low = quantity(number(sn.component(2), where), units);
    Quantity high = quantity(number(sn.component(4), where), units);
    return separator.equals(":") || separator.equals("/") ? new Ratio().setNumerator(low).setDenominator(high)
        : new Range().setLow(low).setHigh(high);
  }

  /** SN-1's comparators that FHIR has; {@code =} says no more than none, and {@code <>} has no FHIR comparator. */
  private static QuantityComparator comparator(String code) {
    return code == null ? null : switch (code) {
      case "<" -> QuantityComparator.LESS_THAN;
      case "<=" -> QuantityComparator.LESS_OR_EQUAL;
      case ">" -> QuantityComparator.GREATER_THAN;
      case ">=" -> QuantityComparator.GREATER_OR_EQUAL;
      default -> null;
    };
  }

  private static BigDecimal number(String text, String where) {
    try {
      return new BigDecimal(text.strip());
    } catch (RuntimeException notANumber) {
      throw FhirException.badRequest(where + " has '" + text + "' as its value (OBX-5), which is not the number"
          + " its type says.");
    }
  }

  /** v2 table 0085. */
  private static ObservationStatus status(String code) {
    return code == null ? ObservationStatus.UNKNOWN : switch (code) {
      case "F" -> ObservationStatus.FINAL;
      case "P", "R", "S" -> ObservationStatus.PRELIMINARY;
      case "C" -> ObservationStatus.CORRECTED;
      case "A" -> ObservationStatus.AMENDED;
      case "X" -> ObservationStatus.CANCELLED;
      case "D", "W" -> ObservationStatus.ENTEREDINERROR;
      case "I", "O" -> ObservationStatus.REGISTERED;
      default -> ObservationStatus.UNKNOWN;
    };
  }
}
