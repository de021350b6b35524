package io.brazier.fhir.v2;

import java.util.Map;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.HumanName.NameUse;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * The v2 data types as FHIR data types, following the v2-to-FHIR data type maps
 * (https://build.fhir.org/ig/HL7/v2-to-fhir/datatype_maps.html): CWE/CE, CX, EI, XPN, XAD, XTN, HD. Each answers null
 * for a value with nothing to map.
 */
final class DataTypes {
  /** Coding system names of HL7 table 0396 as FHIR code system urls; a name not here is left without a system. */
  private static final Map<String, String> SYSTEMS = Map.ofEntries(
      Map.entry("LN", "http://loinc.org"), Map.entry("SCT", "http://snomed.info/sct"),
      Map.entry("SNM", "http://snomed.info/sct"), Map.entry("CVX", "http://hl7.org/fhir/sid/cvx"),
      Map.entry("MVX", "http://hl7.org/fhir/sid/mvx"), Map.entry("UCUM", "http://unitsofmeasure.org"),
      Map.entry("I10", "http://hl7.org/fhir/sid/icd-10"), Map.entry("I10C", "http://hl7.org/fhir/sid/icd-10-cm"),
      Map.entry("I9C", "http://hl7.org/fhir/sid/icd-9-cm"), Map.entry("NDC", "http://hl7.org/fhir/sid/ndc"),
      Map.entry("RXN", "http://www.nlm.nih.gov/research/umls/rxnorm"),
      Map.entry("NCI", "http://ncimeta.nci.nih.gov"), Map.entry("NCIT", "http://ncimeta.nci.nih.gov"),
      Map.entry("CPT", "http://www.ama-assn.org/go/cpt"));
  private static final String V2_TABLE = "http://terminology.hl7.org/CodeSystem/v2-";

  private DataTypes() {}

  /** CWE (and CE before it): the code, its text and coding system, the alternate code, the original text. */
  static CodeableConcept codeableConcept(Composite cwe) {
    CodeableConcept concept = new CodeableConcept();
    addCoding(concept, cwe.component(1), cwe.component(2), cwe.component(3));
    addCoding(concept, cwe.component(4), cwe.component(5), cwe.component(6));
    // The original text, else the text of a code the message does not give.
    concept.setText(cwe.component(9) != null ? cwe.component(9) : concept.hasCoding() ? null : cwe.component(2));
    return concept.isEmpty() ? null : concept;
  }

  /** A code of an HL7 table (as v2-0203's MR) as a CodeableConcept of that table's code system. */
  static CodeableConcept tableCode(String table, String code) {
    return code == null ? null : new CodeableConcept(new Coding(V2_TABLE + table, code, null));
  }

  private static void addCoding(CodeableConcept concept, String code, String display, String systemName) {
    if (code != null) {
      concept.addCoding(new Coding(system(systemName), code, display));
    }
  }

  /** The url of a coding system named in a CWE-3: a known name, an HL7 table ({@code HL70203}), else null. */
  static String system(String name) {
    if (name == null) {
      return null;
    }
    if (name.matches("HL7\\d{4}")) {
      return V2_TABLE + name.substring(3);
    }
    return SYSTEMS.get(name);
  }

  /** CX: the id, its assigning authority (an OID or URI names the system, else it names the assigner) and type. */
  static Identifier identifier(Composite cx) {
    if (cx.component(1) == null) {
      return null;
    }
    Identifier identifier = new Identifier().setValue(cx.component(1));
    String namespace = cx.subcomponent(4, 1);
    String universal = cx.subcomponent(4, 2);
    String universalType = cx.subcomponent(4, 3);
    if (universal != null && "ISO".equals(universalType)) {
      identifier.setSystem("urn:oid:" + universal);
    } else if (universal != null && ("URI".equals(universalType) || "UUID".equals(universalType))) {
      identifier.setSystem("UUID".equals(universalType) ? "urn:uuid:" + universal : universal);
    }
    if (namespace != null) {
      identifier.setAssigner(new Reference().setDisplay(namespace));
    }
    identifier.setType(tableCode("0203", cx.component(5)));
    return identifier;
  }

  /** EI: the entity's id and the namespace that assigned it. */
  static Identifier entityIdentifier(Composite ei) {
    if (ei.component(1) == null) {
      return null;
    }
    Identifier identifier = new Identifier().setValue(ei.component(1));
    if (ei.component(2) != null) {
      identifier.setAssigner(new Reference().setDisplay(ei.component(2)));
    }
    return identifier;
  }

  /** XPN: family (FN-1), given names, suffix, prefix and the name type (v2 table 0200). */
  static HumanName humanName(Composite xpn) {
    HumanName name = new HumanName().setFamily(xpn.subcomponent(1, 1));
    if (xpn.component(2) != null) {
      name.addGiven(xpn.component(2));
    }
    if (xpn.component(3) != null) {
      name.addGiven(xpn.component(3));
    }
    if (xpn.component(4) != null) {
      name.addSuffix(xpn.component(4));
    }
    if (xpn.component(5) != null) {
      name.addPrefix(xpn.component(5));
    }
    name.setUse(nameUse(xpn.component(7)));
    return name.isEmpty() ? null : name;
  }

  private static NameUse nameUse(String type) {
    return type == null ? null : switch (type) {
      case "L" -> NameUse.OFFICIAL;
      case "D", "A" -> NameUse.USUAL;
      case "M" -> NameUse.MAIDEN;
      case "N" -> NameUse.NICKNAME;
      case "S" -> NameUse.ANONYMOUS;
      case "T", "C" -> NameUse.TEMP;
      case "BAD" -> NameUse.OLD;
      default -> null;
    };
  }

  /** XAD: street lines, city, state, postal code, country, county, and the address type (v2 table 0190). */
  static Address address(Composite xad) {
    Address address = new Address();
    if (xad.subcomponent(1, 1) != null) {
      address.addLine(xad.subcomponent(1, 1));
    }
    if (xad.component(2) != null) {
      address.addLine(xad.component(2));
    }
    address.setCity(xad.component(3)).setState(xad.component(4)).setPostalCode(xad.component(5))
        .setCountry(xad.component(6)).setDistrict(xad.component(9));
    String type = xad.component(7);
    if (type != null) {
      switch (type) {
        case "H" -> address.setUse(Address.AddressUse.HOME);
        case "B", "O" -> address.setUse(Address.AddressUse.WORK);
        case "C" -> address.setUse(Address.AddressUse.TEMP);
        case "BA", "BDL" -> address.setUse(Address.AddressUse.OLD);
        case "M" -> address.setType(Address.AddressType.POSTAL);
        default -> { } // birthplace, country of origin and the like have no FHIR use
      }
    }
    return address.isEmpty() ? null : address;
  }

  /**
   * XTN: an email (XTN-4, or equipment type Internet) or a number (XTN-12 unformatted, XTN-1, or XTN-6 and XTN-7),
   * its use (v2 table 0201) and equipment type (0202); {@code use} when the XTN names none (PID-13 is home, PID-14
   * work).
   */
  static ContactPoint contactPoint(Composite xtn, ContactPointUse use) {
    String equipment = xtn.component(3);
    ContactPoint point = new ContactPoint();
    if (xtn.component(4) != null || "Internet".equals(equipment) || "X.400".equals(equipment)) {
      point.setSystem(ContactPointSystem.EMAIL).setValue(xtn.component(4) != null ? xtn.component(4)
          : xtn.component(1));
    } else {
      String number = xtn.component(12) != null ? xtn.component(12) : xtn.component(1);
      if (number == null && xtn.component(7) != null) {
        number = (xtn.component(6) != null ? "(" + xtn.component(6) + ") " : "") + xtn.component(7)
            + (xtn.component(8) != null ? " x" + xtn.component(8) : "");
      }
      point.setValue(number).setSystem(switch (equipment == null ? "PH" : equipment) {
        case "FX" -> ContactPointSystem.FAX;
        case "BP" -> ContactPointSystem.PAGER;
        case "PH", "CP" -> ContactPointSystem.PHONE;
        default -> ContactPointSystem.OTHER;
      });
    }
    if (!point.hasValue()) {
      return null;
    }
    String code = xtn.component(2);
    point.setUse("CP".equals(equipment) ? ContactPointUse.MOBILE : code == null ? use : switch (code) {
      case "PRN", "ORN", "VHN" -> ContactPointUse.HOME;
      case "WPN" -> ContactPointUse.WORK;
      default -> use;
    });
    return point;
  }
}
