package io.brazier.fhir.v2;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestIntent;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;

/**
 * ORC, with the OBR after it, as a ServiceRequest, following the v2-to-FHIR segment maps ORC[ServiceRequest] and
 * OBR[ServiceRequest]: the placer and filler order numbers (ORC-2, ORC-3, else OBR-2, OBR-3) as identifiers (the
 * placer's, else the filler's, gives the id, so a later message about the order updates it), the status (ORC-5, else
 * what ORC-1 asks), the time (ORC-9), the ordering provider (ORC-12, else OBR-16), the service (OBR-4) and the
 * reasons (OBR-31).
 */
final class OrderMapping {
  private OrderMapping() {}

  /** The order of {@code orc} and {@code obr} (either may be null, not both), the {@code number}th of its patient. */
  static Reference map(Segment orc, Segment obr, int number, Reference patient, Reference encounter,
      Conversion conversion) {
    String where = "ORC " + number;
    Composite placer = orderNumber(orc, obr, 2);
    Composite filler = orderNumber(orc, obr, 3);
    ServiceRequest order = new ServiceRequest();
    order.setId(placer != null ? Ids.of("ServiceRequest", "placer", placer.raw())
        : filler != null ? Ids.of("ServiceRequest", "filler", filler.raw())
        : conversion.idInMessage("ServiceRequest", patient.getReference(), "ORC", String.valueOf(number)));
    if (placer != null) {
      order.addIdentifier(identifier(placer, "PLAC"));
    }
    if (filler != null) {
      order.addIdentifier(identifier(filler, "FILL"));
    }
    order.setStatus(status(value(orc, 5), value(orc, 1))).setIntent(ServiceRequestIntent.ORDER);
    order.setSubject(patient).setEncounter(encounter);
    if (orc != null) {
      order.setAuthoredOnElement(conversion.dates().dateTime(orc.value(9), where + " ORC-9"));
    }
    Composite provider = orc != null && !orc.field(12).isEmpty() ? orc.field(12).first()
        : obr != null ? obr.field(16).first() : null;
    if (provider != null) {
      order.setRequester(PractitionerMapping.map(provider, conversion));
    }
    if (obr != null) {
      order.setCode(DataTypes.codeableConcept(obr.field(4).first()));
      obr.field(31).map(DataTypes::codeableConcept).forEach(order::addReasonCode);
    }
    return conversion.add(order);
  }

  /** An order number (EI) of ORC, else of OBR, at that field; null when neither has one. */
  private static Composite orderNumber(Segment orc, Segment obr, int field) {
    for (Segment segment : new Segment[] {orc, obr}) {
      if (segment != null && segment.value(field) != null) {
        return segment.field(field).first();
      }
    }
    return null;
  }

  private static Identifier identifier(Composite ei, String type) {
    return DataTypes.entityIdentifier(ei).setType(DataTypes.tableCode("0203", type));
  }

  private static String value(Segment segment, int field) {
    return segment == null ? null : segment.value(field);
  }

  /** ORC-5 (v2 table 0038), else the order control of ORC-1 (table 0119); a new order is active. */
  private static ServiceRequestStatus status(String orderStatus, String control) {
    String code = orderStatus != null ? orderStatus : control;
    return code == null ? ServiceRequestStatus.UNKNOWN : switch (code) {
      case "NW", "SC", "IP", "A", "XO", "SN" -> ServiceRequestStatus.ACTIVE;
      case "CM" -> ServiceRequestStatus.COMPLETED;
      case "CA", "DC", "RP", "OC", "OD" -> ServiceRequestStatus.REVOKED;
      case "HD", "OH" -> ServiceRequestStatus.ONHOLD;
      case "ER" -> ServiceRequestStatus.ENTEREDINERROR;
      default -> ServiceRequestStatus.UNKNOWN;
    };
  }
}
