package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.store.ResourceVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.hl7.fhir.r4.model.Patient.PatientLinkComponent;

/**
 * The ids of the patients a stored Patient's {@code link}s name on this server, by link type, in order, each once.
 * Links to a RelatedPerson or to another server's patient are left out: $everything can follow neither.
 * https://hl7.org/fhir/R4/patient-definitions.html#Patient.link
 *
 * @param seeAlso the patients of {@code seealso} links, equally valid records of the same person
 * @param replacedBy the patients of {@code replaced-by} links, which replace this one
 */
record PatientLinks(List<String> seeAlso, List<String> replacedBy) {

  static PatientLinks of(Fhir fhir, ResourceVersion patient, String baseUrl) {
    Patient parsed = fhir.jsonParser().parseResource(Patient.class, new String(patient.json(), StandardCharsets.UTF_8));
    return new PatientLinks(ids(parsed, LinkType.SEEALSO, baseUrl), ids(parsed, LinkType.REPLACEDBY, baseUrl));
  }

  private static List<String> ids(Patient patient, LinkType type, String baseUrl) {
    List<String> ids = new ArrayList<>();
    for (PatientLinkComponent link : patient.getLink()) {
      IIdType other = link.getOther().getReferenceElement();
      boolean local = !other.hasBaseUrl() || other.getBaseUrl().equals(baseUrl);
      if (link.getType() == type && local && "Patient".equals(other.getResourceType()) && other.hasIdPart()
          && !ids.contains(other.getIdPart())) {
        ids.add(other.getIdPart());
      }
    }
    return ids;
  }
}
