package io.brazier.fhir.v2;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;

/**
 * XCN (a person who acts, as PV1-7's attending doctor) as a Practitioner, following the v2-to-FHIR map
 * XCN[Practitioner]: its id comes from the person's id number and assigning authority, so one practitioner is one
 * resource across messages, or from the name when the message gives no number.
 */
final class PractitionerMapping {
  private PractitionerMapping() {}

  /** The practitioner, added to the conversion; null for an XCN with neither number nor name. */
  static Reference map(Composite xcn, Conversion conversion) {
    String number = xcn.component(1);
    String family = xcn.subcomponent(2, 1);
    if (number == null && family == null) {
      return null;
    }
    Practitioner practitioner = new Practitioner();
    practitioner.setId(number != null ? Ids.of("Practitioner", number, xcn.subcomponent(9, 1))
        : Ids.of("Practitioner", xcn.raw()));
    if (number != null) {
      Identifier identifier = practitioner.addIdentifier().setValue(number);
      if (xcn.subcomponent(9, 1) != null) {
        identifier.setAssigner(new Reference().setDisplay(xcn.subcomponent(9, 1)));
      }
      identifier.setType(DataTypes.tableCode("0203", xcn.component(13)));
    }
    if (family != null || xcn.component(3) != null) {
      practitioner.addName().setFamily(family);
      if (xcn.component(3) != null) {
        practitioner.getNameFirstRep().addGiven(xcn.component(3));
      }
      if (xcn.component(4) != null) {
        practitioner.getNameFirstRep().addGiven(xcn.component(4));
      }
      if (xcn.component(6) != null) {
        practitioner.getNameFirstRep().addPrefix(xcn.component(6));
      }
    }
    return conversion.add(practitioner);
  }
}
