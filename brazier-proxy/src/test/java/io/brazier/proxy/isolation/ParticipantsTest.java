package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.FIRST;
import static io.brazier.proxy.isolation.TwoPatients.HTTP;
import static io.brazier.proxy.isolation.TwoPatients.SECOND;
import static io.brazier.proxy.isolation.TwoPatients.SECURED;
import static io.brazier.proxy.isolation.TwoPatients.client;
import static io.brazier.proxy.isolation.TwoPatients.created;
import static io.brazier.proxy.isolation.TwoPatients.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.api.SummaryEnum;
import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.proxy.MutableClock;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Practitioners, RelatedPersons and Patients known by an identity link (or their token's {@code fhirUser}) see the
 * data of their patients and of no other, through the HAPI client with real tokens of a trusted issuer: a link that
 * expires or is deleted gives no access from then on, and a practitioner's patients follow the data at once.
 */
class ParticipantsTest {
  /** In the sample, this practitioner takes part in the first patient's encounters only. */
  private static final String PRACTITIONER = "Practitioner/857f2e4b-8b0f-3e02-8c46-deaad5578619";
  /** The sample's third patient, whom no test here may reach either. */
  private static final String THIRD = "82f5e735-2159-0342-93f7-8660a4ef1a72";

  @BeforeAll
  static void load() {
    TwoPatients.load();
  }

  @Test
  void aLinkedPractitionerSeesThePatientsWhoseEncountersItTakesPartInAndNoOthers() {
    IGenericClient doctor = client(linked(PRACTITIONER));

    assertThat(patients(doctor)).contains(FIRST).doesNotContain(SECOND, THIRD);
    assertThat(doctor.read().resource(Patient.class).withId(FIRST).execute().getIdElement().getIdPart())
        .isEqualTo(FIRST);
    assertThat(observationsOf(doctor, FIRST)).isEqualTo(observationsOf(client(ADMINISTRATOR), FIRST)).isPositive();
    assertThat(observationsOf(client(ADMINISTRATOR), SECOND)).isPositive();
    assertThat(observationsOf(doctor, SECOND)).isZero();
    assertNotFound(doctor, SECOND);
  }

  @Test
  void aPractitionerNamedByItsTokensFhirUserNeedsNoLink() {
    JWTClaimsSet.Builder claims = SECURED.issuer().claims(SECURED.baseUrl()).subject("unlinked-" + UUID.randomUUID())
        .claim("roles", List.of("Practitioner")).claim("scope", "user/*.rs")
        .claim("fhirUser", SECURED.baseUrl() + "/" + PRACTITIONER);
    IGenericClient doctor = client("Bearer " + SECURED.sign(claims.build()));

    assertThat(patients(doctor)).contains(FIRST).doesNotContain(SECOND, THIRD);
    assertNotFound(doctor, SECOND);
  }

  @Test
  void aPatientWhoseGeneralPractitionerItBecomesIsSeenAtOnceAndNoLongerOnceItIsNot() {
    IGenericClient doctor = client(linked(PRACTITIONER));
    assertThat(patients(doctor)).contains(FIRST);
    Patient patient = new Patient();
    patient.addName().setFamily("Cared-for");
    patient.addGeneralPractitioner().setReference(PRACTITIONER);
    String id = client(ADMINISTRATOR).create().resource(patient).execute().getId().getIdPart();

    Patient read = doctor.read().resource(Patient.class).withId(id).execute();
    patient.setId(id);
    patient.getGeneralPractitioner().clear();
    client(ADMINISTRATOR).update().resource(patient).execute();

    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Cared-for");
    assertNotFound(doctor, id);
  }

  @Test
  void anotherNodeSeesAPractitionersNewPatientWithinMoments() {
    String subject = "dr-" + UUID.randomUUID();
    link(subject, PRACTITIONER, null);
    try (TestServer other = SECURED.secondNode()) {
      IGenericClient doctorThere = client(other, token(subject, "Practitioner", other.baseUrl()));
      assertThat(patients(doctorThere)).contains(FIRST);
      Patient patient = new Patient();
      patient.addGeneralPractitioner().setReference(PRACTITIONER);

      String id = client(ADMINISTRATOR).create().resource(patient).execute().getId().getIdPart();

      TwoPatients.eventually(() -> assertThat(patients(doctorThere)).contains(id));
    }
  }

  @Test
  void aRelatedPersonSeesItsPatientOnly() {
    String person = created("RelatedPerson", "{\"resourceType\":\"RelatedPerson\",\"patient\":{\"reference\":"
        + "\"Patient/" + FIRST + "\"}}");
    IGenericClient mother = client(linked("RelatedPerson/" + person));

    assertThat(patients(mother)).containsExactly(FIRST);
    assertThat(observationsOf(mother, FIRST)).isPositive();
    assertThat(observationsOf(mother, SECOND)).isZero();
  }

  @Test
  void aPatientByItsLinkSeesItselfOnly() {
    IGenericClient patient = client(linked("Patient/" + SECOND));

    assertThat(patients(patient)).containsExactly(SECOND);
    assertNotFound(patient, FIRST);
  }

  @Test
  void aParticipantWithoutALinkSeesNoPatientsData() {
    IGenericClient nobody = client(token("unlinked-" + UUID.randomUUID(), "Practitioner"));

    assertThat(patients(nobody)).isEmpty();
    assertThat(observationsOf(nobody, FIRST)).isZero();
    assertNotFound(nobody, FIRST);
  }

  @Test
  void anExpiredLinkGivesNoAccess() {
    // A node whose clock the test moves: on the real clock, a slow first request could outlast a short link.
    MutableClock clock = new MutableClock(Instant.now());
    String subject = "dr-" + UUID.randomUUID();
    link(subject, PRACTITIONER, clock.instant().plus(Duration.ofMinutes(1)).toString());
    try (TestServer node = SECURED.secondNode(clock)) {
      IGenericClient doctor = client(node, token(subject, "Practitioner", node.baseUrl()));
      assertThat(patients(doctor)).contains(FIRST);

      clock.advance(Duration.ofMinutes(2));

      TwoPatients.eventually(() -> assertThat(patients(doctor)).isEmpty());
      assertNotFound(doctor, FIRST);
    }
  }

  @Test
  void aDeletedLinkGivesNoAccessFromTheNextRequest() {
    String subject = "dr-" + UUID.randomUUID();
    link(subject, PRACTITIONER, null);
    IGenericClient doctor = client(token(subject, "Practitioner"));
    assertThat(patients(doctor)).contains(FIRST);

    Http.Response deleted = HTTP.send("DELETE", "/manage/link?issuer=" + SECURED.issuer().issuer() + "&subject="
        + subject, null, "Authorization", ADMINISTRATOR);

    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
    assertThat(patients(doctor)).isEmpty();
  }

  @Test
  void aLinkDeletedOrChangedOnOneNodeStopsGrantingOnAnotherThatKeptIt() {
    String deletedSubject = "dr-" + UUID.randomUUID();
    String changedSubject = "pat-" + UUID.randomUUID();
    link(deletedSubject, PRACTITIONER, null);
    link(changedSubject, "Patient/" + FIRST, null);
    try (TestServer other = SECURED.secondNode()) {
      IGenericClient doctorThere = client(other, token(deletedSubject, "Practitioner", other.baseUrl()));
      IGenericClient patientThere = client(other, token(changedSubject, "Patient", other.baseUrl()));
      assertThat(patients(doctorThere)).contains(FIRST);
      assertThat(patients(patientThere)).containsExactly(FIRST);

      Http.Response deleted = HTTP.send("DELETE", "/manage/link?issuer=" + SECURED.issuer().issuer() + "&subject="
          + deletedSubject, null, "Authorization", ADMINISTRATOR);
      link(changedSubject, "Patient/" + SECOND, null);

      assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
      TwoPatients.eventually(() -> assertThat(patients(doctorThere)).isEmpty());
      TwoPatients.eventually(() -> assertThat(patients(patientThere)).containsExactly(SECOND));
    }
  }

  @Test
  void aLinkMadeAfterACallerWasFoundUnlinkedGrantsFromTheNextRequest() {
    String subject = "dr-" + UUID.randomUUID();
    IGenericClient doctor = client(token(subject, "Practitioner"));
    assertThat(patients(doctor)).isEmpty();

    link(subject, PRACTITIONER, null);

    assertThat(patients(doctor)).contains(FIRST);
  }

  @Test
  void aGlobalRoleSeesEveryPatient() {
    IGenericClient scientist = client(SECURED.bearer(List.of("Practitioner", SecuredServer.GLOBAL_ROLE), List.of("user/*.rs")));

    assertThat(patients(scientist)).contains(FIRST, SECOND, THIRD);
  }

  /** A participant's token (a new subject, linked to {@code resource}). */
  private static String linked(String resource) {
    String subject = "user-" + UUID.randomUUID();
    link(subject, resource, null);
    return token(subject, resource.substring(0, resource.indexOf('/')));
  }

  /** A token of the trusted issuer for {@code subject}: a participant role and SMART user scopes. */
  private static String token(String subject, String role) {
    return token(subject, role, SECURED.baseUrl());
  }

  /** Such a token for the node at {@code audience} (its base URL). */
  private static String token(String subject, String role, String audience) {
    JWTClaimsSet.Builder claims = SECURED.issuer().claims(audience).subject(subject)
        .claim("roles", List.of(role)).claim("scope", "user/*.rs");
    return "Bearer " + SECURED.sign(claims.build());
  }

  /** The ids of the sample's patients a client finds. */
  private static Set<String> patients(IGenericClient client) {
    Bundle found = client.search().forResource(Patient.class).count(1000).returnBundle(Bundle.class).execute();
    return found.getEntry().stream().map(entry -> entry.getResource().getIdElement().getIdPart())
        .collect(Collectors.toSet());
  }

  private static int observationsOf(IGenericClient client, String patient) {
    return client.search().forResource(Observation.class).where(Observation.SUBJECT.hasId("Patient/" + patient))
        .summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class).execute().getTotal();
  }

  private static void assertNotFound(IGenericClient client, String patient) {
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(patient).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
