package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * An HL7 v2 message as a FHIR R4 batch Bundle, one PUT of a deterministic id per resource, by the message structure
 * its root template names (the names of Microsoft's converter templates), following the HL7 v2-to-FHIR mapping
 * (https://build.fhir.org/ig/HL7/v2-to-fhir/): each PID and the segments up to the next one are a patient (with
 * the NK1 next of kin), their visit (PV1), allergies (AL1), diagnoses (DG1) and procedures (PR1), in any of the
 * messages; then ORU_R01's OBR are DiagnosticReports with the OBX after each as their Observations, VXU_V04's RXA
 * (with RXR) are Immunizations, and OML_O21's ORC (with OBR) are ServiceRequests.
 */
public final class V2ToFhir {
  /** The root templates converted here. */
  public static final List<String> TEMPLATES = List.of("ADT_A01", "ORU_R01", "VXU_V04", "OML_O21");

  private V2ToFhir() {}

  /** The bundle of {@code message}; a 400 naming what to fix in a message that cannot be converted. */
  public static Bundle convert(V2Message message, String template) {
    if (!TEMPLATES.contains(template)) {
      throw FhirException.badRequest("rootTemplate " + template + " is not known for Hl7v2; the templates are "
          + String.join(", ", TEMPLATES) + ".");
    }
    Conversion conversion = new Conversion(message);
    List<List<Segment>> patients = patients(message);
    if (patients.isEmpty()) {
      throw FhirException.badRequest("The message has no PID segment: a " + template + " message is about a"
          + " patient, whom its PID names.");
    }
    for (List<Segment> group : patients) {
      Reference patient = PatientMapping.map(group.get(0), segments(group, "NK1"), conversion);
      Reference encounter = segments(group, "PV1").stream().findFirst()
          .map(pv1 -> EncounterMapping.map(pv1, patient, template.equals("ADT_A01"), conversion)).orElse(null);
      List<Segment> allergies = segments(group, "AL1");
      for (int i = 0; i < allergies.size(); i++) {
        AllergyMapping.map(allergies.get(i), i + 1, patient, conversion);
      }
      List<Segment> diagnoses = segments(group, "DG1");
      for (int i = 0; i < diagnoses.size(); i++) {
        ConditionMapping.map(diagnoses.get(i), i + 1, patient, encounter, conversion);
      }
      List<Segment> procedures = segments(group, "PR1");
      for (int i = 0; i < procedures.size(); i++) {
        ProcedureMapping.map(procedures.get(i), i + 1, patient, encounter, conversion);
      }
      switch (template) {
        case "ORU_R01" -> reports(group, patient, encounter, conversion);
        case "VXU_V04" -> immunizations(group, patient, encounter, conversion);
        case "OML_O21" -> orders(group, patient, encounter, conversion);
        default -> { } // ADT_A01: the patient and their visit are the message
      }
    }
    return conversion.bundle();
  }

  /** The segments of each patient: from a PID up to the next. */
  private static List<List<Segment>> patients(V2Message message) {
    List<List<Segment>> patients = new ArrayList<>();
    for (Segment segment : message.segments()) {
      if (segment.name().equals("PID")) {
        patients.add(new ArrayList<>());
      }
      if (!patients.isEmpty()) {
        patients.get(patients.size() - 1).add(segment);
      }
    }
    return patients;
  }

  private static List<Segment> segments(List<Segment> group, String name) {
    return group.stream().filter(segment -> segment.name().equals(name)).toList();
  }

  /** Each OBR with the OBX that follow it, up to the next OBR; an OBX before any OBR is a 400. */
  private static void reports(List<Segment> group, Reference patient, Reference encounter, Conversion conversion) {
    List<Segment> observations = new ArrayList<>();
    Segment obr = null;
    int reports = 0;
    for (Segment segment : group) {
      if (segment.name().equals("OBR")) {
        if (obr != null) {
          report(obr, reports, observations, patient, encounter, conversion);
        }
        obr = segment;
        reports++;
        observations.clear();
      } else if (segment.name().equals("OBX")) {
        if (obr == null) {
          throw FhirException.badRequest("An OBX comes before any OBR: in an ORU_R01 message each observation"
              + " follows the OBR of its report.");
        }
        observations.add(segment);
      }
    }
    if (obr != null) {
      report(obr, reports, observations, patient, encounter, conversion);
    }
  }

  private static void report(Segment obr, int number, List<Segment> observations, Reference patient,
      Reference encounter, Conversion conversion) {
    String reportId = ReportMapping.id(obr, number, patient, conversion);
    Type time = ReportMapping.time(obr, number, conversion);
    List<Reference> results = new ArrayList<>();
    for (int i = 0; i < observations.size(); i++) {
      results.add(ObservationMapping.map(observations.get(i), reportId, i + 1, patient, encounter, time,
          conversion));
    }
    ReportMapping.map(obr, number, patient, encounter, results, conversion);
  }

  /** Each RXA, with the RXR that follows it, if one does. */
  private static void immunizations(List<Segment> group, Reference patient, Reference encounter,
      Conversion conversion) {
    int number = 0;
    for (int i = 0; i < group.size(); i++) {
      if (group.get(i).name().equals("RXA")) {
        ImmunizationMapping.map(group.get(i), following(group, i, "RXR"), ++number, patient, encounter, conversion);
      }
    }
  }

  /**
   * Each ORC with the OBR after it (timing segments, TQ1, may come between), up to the next ORC: an ORC with no OBR,
   * or an OBR with no ORC, is an order too.
   */
  private static void orders(List<Segment> group, Reference patient, Reference encounter, Conversion conversion) {
    int number = 0;
    Segment orc = null;
    for (Segment segment : group) {
      if (segment.name().equals("ORC")) {
        if (orc != null) {
          OrderMapping.map(orc, null, ++number, patient, encounter, conversion);
        }
        orc = segment;
      } else if (segment.name().equals("OBR")) {
        OrderMapping.map(orc, segment, ++number, patient, encounter, conversion);
        orc = null;
      }
    }
    if (orc != null) {
      OrderMapping.map(orc, null, ++number, patient, encounter, conversion);
    }
  }

  /** The segment after the {@code i}th when it is of that name; else null. */
  private static Segment following(List<Segment> group, int i, String name) {
    return i + 1 < group.size() && group.get(i + 1).name().equals(name) ? group.get(i + 1) : null;
  }
}
