package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * OBR as a DiagnosticReport, following the v2-to-FHIR segment map OBR[DiagnosticReport]: the placer and filler
 * order numbers (OBR-2, OBR-3) as identifiers (the filler's, else the placer's, gives the id), the service (OBR-4)
 * as the code, the observation time (OBR-7), the results' time (OBR-22) as issued, the status (OBR-25) and the
 * OBX that follow it as results.
 */
final class ReportMapping {
  private ReportMapping() {}

  /** The time of the report's observations (OBR-7), which its OBX without OBX-14 take. */
  static Type time(Segment obr, int number, Conversion conversion) {
    return conversion.dates().dateTime(obr.value(7), "OBR " + number + " OBR-7");
  }

  /**
   * The report's id: of its filler order number, else its placer order number, so that a corrected report updates
   * the one it corrects; of its patient and place in the message when it has neither.
   */
  static String id(Segment obr, int number, Reference patient, Conversion conversion) {
    return obr.value(3) != null ? Ids.of("DiagnosticReport", "filler", obr.field(3).first().raw())
        : obr.value(2) != null ? Ids.of("DiagnosticReport", "placer", obr.field(2).first().raw())
        : conversion.idInMessage("DiagnosticReport", patient.getReference(), "OBR",
            String.valueOf(number));
  }

  static Reference map(Segment obr, int number, Reference patient, Reference encounter, List<Reference> results,
      Conversion conversion) {
    String where = "OBR " + number;
    DiagnosticReport report = new DiagnosticReport();
    report.setId(id(obr, number, patient, conversion));
    if (obr.value(2) != null) {
      report.addIdentifier(orderNumber(obr.field(2).first(), "PLAC"));
    }
    if (obr.value(3) != null) {
      report.addIdentifier(orderNumber(obr.field(3).first(), "FILL"));
    }
    report.setStatus(status(obr.value(25)));
    CodeableConcept code = DataTypes.codeableConcept(obr.field(4).first());
    if (code == null) {
      throw FhirException.badRequest(where + " has no OBR-4, the service the report is of.");
    }
    report.setCode(code).setSubject(patient).setEncounter(encounter);
    report.setEffective(time(obr, number, conversion));
    if (obr.value(22) != null) {
      report.setIssued(conversion.dates().dateTime(obr.value(22), where + " OBR-22").getValue());
    }
    report.setResult(results);
    return conversion.add(report);
  }

  /** EI: the entity id and its namespace, typed PLAC or FILL (v2 table 0203). */
  private static Identifier orderNumber(Composite ei, String type) {
    Identifier identifier = new Identifier().setValue(ei.component(1)).setType(DataTypes.tableCode("0203", type));
    if (ei.component(2) != null) {
      identifier.setAssigner(new Reference().setDisplay(ei.component(2)));
    }
    return identifier;
  }

  /** v2 table 0123. */
  private static DiagnosticReportStatus status(String code) {
    return code == null ? DiagnosticReportStatus.UNKNOWN : switch (code) {
      case "O", "S" -> DiagnosticReportStatus.REGISTERED;
      case "I", "A", "R" -> DiagnosticReportStatus.PARTIAL;
      case "P" -> DiagnosticReportStatus.PRELIMINARY;
      case "C" -> DiagnosticReportStatus.CORRECTED;
      case "F" -> DiagnosticReportStatus.FINAL;
      case "X" -> DiagnosticReportStatus.CANCELLED;
      default -> DiagnosticReportStatus.UNKNOWN;
    };
  }
}
