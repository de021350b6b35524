package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.ProxyDatabase;
import io.brazier.proxy.access.Authorization;
import io.brazier.server.Caller;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whose data a caller reaches, read from the server it guards (the test JVM's, in process as the proxy): a caller
 * confined to its patients (a patient context, a participant's identity) reaches only theirs, a patient's opt-out
 * keeps everyone else out but never the patient, Administrators and global roles reach everything, and an opt-out
 * written later is seen once its type is said to have changed.
 */
class PatientReachTest {
  /** A category of this test's own, so that other tests' opt-outs play no part. */
  private static final String CATEGORY = "urn:test:" + UUID.randomUUID() + "|optout";
  private static final IGenericClient SERVER = TestServer.shared().client();
  private static IdentityLinks links;
  private static PatientReach reach;
  private static String first;
  private static String second;

  @BeforeAll
  static void start() {
    links = new IdentityLinks(ProxyDatabase.migrated(), Clock.systemUTC());
    reach = new PatientReach(new Lookup(TestServer.shared().api().client(Authorization.PROXY, ""), ""), links,
        new IsolationConfig(List.of("Auditor"), CATEGORY, Duration.ofMinutes(5)), Clock.systemUTC());
    first = patient();
    second = patient();
    optOut(second);
  }

  @AfterAll
  static void stop() {
    links.close();
  }

  @Test
  void aCallerInAPatientContextReachesThatPatientAndNotWhoOptedOut() {
    Caller inContext = caller(Set.of(), Set.of("patient/*.rs"), null, first);

    assertThat(reach.confinement(inContext)).isEqualTo(Restriction.within("Patient", Set.of(first)));
    assertThat(reach.optOuts(inContext)).isEqualTo(Restriction.outside("Patient", Set.of(second)));
    assertThat(reach.restriction(inContext)).isEqualTo(Restriction.within("Patient", Set.of(first))
        .and(Restriction.outside("Patient", Set.of(second))));
  }

  @Test
  void aPatientsOptOutNeverKeepsThePatientOutOfItsOwnData() {
    Caller herself = caller(Set.of("Patient"), Set.of(), "Patient/" + second, null);

    assertThat(reach.optOuts(herself)).isNull();
    assertThat(reach.restriction(herself)).isEqualTo(Restriction.within("Patient", Set.of(second)));
  }

  @Test
  void aCallerThatIsNotConfinedIsKeptOnlyFromThoseWhoOptedOut() {
    Caller reader = caller(Set.of("Reader"), Set.of(), null, null);

    assertThat(reach.confinement(reader)).isNull();
    assertThat(reach.restriction(reader)).isEqualTo(Restriction.outside("Patient", Set.of(second)));
  }

  @Test
  void administratorsGlobalRolesAndAnonymousCallersAreNotRestricted() {
    for (Caller caller : List.of(caller(Set.of("Administrator"), Set.of(), null, null),
        caller(Set.of("Auditor", "Patient"), Set.of("patient/*.rs"), null, first), Caller.ANONYMOUS)) {
      assertThat(reach.restriction(caller)).as(caller.roles().toString()).isNull();
    }
    assertThat(reach.isGlobal(caller(Set.of("Auditor"), Set.of(), null, null))).isTrue();
    assertThat(reach.isGlobal(caller(Set.of("Reader"), Set.of(), null, null))).isFalse();
  }

  @Test
  void aConfinedCallerWithNoPatientReachesNone() {
    Caller nobody = caller(Set.of("Practitioner"), Set.of(), null, null);

    assertThat(reach.confinement(nobody)).isEqualTo(Restriction.within("Patient", Set.of()));
  }

  @Test
  void anOptOutWrittenLaterIsSeenOnceConsentsAreSaidToHaveChanged() {
    Caller reader = caller(Set.of("Reader"), Set.of(), null, null);
    assertThat(reach.optOuts(reader)).isEqualTo(Restriction.outside("Patient", Set.of(second)));
    String third = patient();
    optOut(third);

    reach.changed(Set.of("Consent"));

    assertThat(reach.optOuts(reader)).isEqualTo(Restriction.outside("Patient", Set.of(second, third)));
  }

  private static Caller caller(Set<String> roles, Set<String> scopes, String fhirUser, String patient) {
    return new Caller("https://issuer", "someone-" + UUID.randomUUID(), "a-client", roles, scopes, fhirUser,
        patient, null);
  }

  private static String patient() {
    return SERVER.create().resource(new Patient()).execute().getId().getIdPart();
  }

  private static void optOut(String patient) {
    String[] category = CATEGORY.split("\\|");
    Consent consent = new Consent().setStatus(Consent.ConsentState.ACTIVE)
        .setScope(concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"))
        .addCategory(concept(category[0], category[1])).setPatient(new Reference("Patient/" + patient))
        .setPolicyRule(concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTOUT"));
    consent.getProvision().setType(Consent.ConsentProvisionType.DENY);
    SERVER.create().resource(consent).execute();
  }

  private static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }
}
