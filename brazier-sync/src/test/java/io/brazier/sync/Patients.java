package io.brazier.sync;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;

/** Write-back's tests look at patients in FHIR, through the HAPI client, and at their contact rows in a target. */
final class Patients {
  private final IGenericClient client;

  Patients(IGenericClient client) {
    this.client = client;
  }

  Patient read(String id) {
    return client.read().resource(Patient.class).withId(id).execute();
  }

  /** How many versions FHIR's history holds. */
  int versions(String id) {
    return client.history().onInstance("Patient/" + id).returnBundle(Bundle.class).execute().getEntry().size();
  }

  static String mobile(Patient patient) {
    return patient.getTelecom().stream().filter(telecom -> telecom.getUse() == ContactPoint.ContactPointUse.MOBILE)
        .map(ContactPoint::getValue).findFirst().orElse(null);
  }

  /** The contact row of Patient/{@code id} in the target; empty when there is none. */
  static Map<String, Object> contact(TargetConfig target, String id) {
    List<Map<String, Object>> rows = TestTargets.rows(target, "SELECT * FROM contact WHERE msemr_azurefhirid = ?",
        id);
    return rows.isEmpty() ? Map.of() : rows.get(0);
  }
}
