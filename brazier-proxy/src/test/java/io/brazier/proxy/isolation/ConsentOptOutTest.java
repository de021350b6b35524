package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.SECURED;
import static io.brazier.proxy.isolation.TwoPatients.client;
import static io.brazier.proxy.isolation.TwoPatients.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A patient's opt-out (an active deny Consent of the configured category) keeps the callers it names, or everyone
 * but global roles when it names none, out of that patient's data, from the request after it is written until the
 * request after it is deleted. Each test has a patient, an encounter and a practitioner of its own, so that no
 * opt-out here hides data another test reads.
 */
class ConsentOptOutTest {
  private static final IGenericClient ADMIN = client(ADMINISTRATOR);
  private static final String DEFAULT_CATEGORY = IsolationConfig.DEFAULT_CONSENT_CATEGORY;
  private String patient;
  private String practitioner;
  private String subject;
  private IGenericClient doctor;

  @BeforeEach
  void aPatientAndItsPractitioner() {
    patient = ADMIN.create().resource(new Patient().addName(new HumanName().setFamily("Opted")))
        .execute().getId().getIdPart();
    practitioner = ADMIN.create().resource(new Practitioner()).execute().getId().getIdPart();
    Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
        .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null))
        .setSubject(new Reference("Patient/" + patient));
    encounter.addParticipant().setIndividual(new Reference("Practitioner/" + practitioner));
    ADMIN.create().resource(encounter).execute();
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("opted")).setSubject(new Reference("Patient/" + patient));
    ADMIN.create().resource(observation).execute();
    subject = "dr-" + UUID.randomUUID();
    link(subject, "Practitioner/" + practitioner, null);
    doctor = client(token(subject, "Practitioner", "user/*.rs"));
    assertSees(doctor);
  }

  @Test
  void anOptOutNamingThePractitionerHidesThePatientFromItUntilItIsDeleted() {
    String consent = optOut(DEFAULT_CATEGORY, Consent.ConsentState.ACTIVE, "Practitioner/" + practitioner);

    assertHidden(doctor);
    assertThatThrownBy(() -> doctor.operation().onInstance("Patient/" + patient).named("$everything")
        .withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertSees(ADMIN);

    ADMIN.delete().resourceById("Consent", consent).execute();

    assertSees(doctor);
  }

  @Test
  void anOptOutNamingAnOrganizationHidesThePatientFromItsPractitioners() {
    String organization = ADMIN.create().resource(new Organization().setName("Clinic")).execute().getId()
        .getIdPart();
    ADMIN.create().resource(new PractitionerRole().setPractitioner(new Reference("Practitioner/" + practitioner))
        .setOrganization(new Reference("Organization/" + organization))).execute();

    String consent = optOut(DEFAULT_CATEGORY, Consent.ConsentState.ACTIVE, "Organization/" + organization);

    assertHidden(doctor);
    ADMIN.delete().resourceById("Consent", consent).execute();
  }

  @Test
  void anOptOutWithoutActorsHidesThePatientFromEveryoneButGlobalRolesAndThePatient() {
    IGenericClient reader = client(token("reader-" + UUID.randomUUID(), "Reader", null));
    IGenericClient scientist = client(token("scientist-" + UUID.randomUUID(), SecuredServer.GLOBAL_ROLE,
        "user/*.rs"));
    IGenericClient itself = client(TwoPatients.patientToken(patient, "patient/*.rs"));
    assertSees(reader);

    String consent = optOut(DEFAULT_CATEGORY, Consent.ConsentState.ACTIVE, null);

    assertHidden(reader);
    assertHidden(doctor);
    assertSees(scientist);
    assertSees(ADMIN);
    assertSees(itself);
    ADMIN.delete().resourceById("Consent", consent).execute();
    assertSees(reader);
  }

  @Test
  void aConsentOfAnotherCategoryOrNotActiveOrThatPermitsHidesNothing() {
    optOut("http://loinc.org|64292-6", Consent.ConsentState.ACTIVE, null);
    optOut(DEFAULT_CATEGORY, Consent.ConsentState.INACTIVE, null);
    Consent permit = consent(DEFAULT_CATEGORY, Consent.ConsentState.ACTIVE, null);
    permit.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
    ADMIN.create().resource(permit).execute();

    assertSees(doctor);
  }

  @Test
  void anotherNodeHonoursAnOptOutAndItsDeletionWithinMoments() {
    try (TestServer other = SECURED.secondNode()) {
      IGenericClient doctorThere = client(other, token(subject, "Practitioner", "user/*.rs", other.baseUrl()));
      assertSees(doctorThere);

      String consent = optOut(DEFAULT_CATEGORY, Consent.ConsentState.ACTIVE, "Practitioner/" + practitioner);
      TwoPatients.eventually(() -> assertHidden(doctorThere));
      ADMIN.delete().resourceById("Consent", consent).execute();
      TwoPatients.eventually(() -> assertSees(doctorThere));
    }
  }

  /** Stores an opt-out of the patient of {@code category} ({@code system|code}) denying {@code actor}; its id. */
  private String optOut(String category, Consent.ConsentState status, String actor) {
    return ADMIN.create().resource(consent(category, status, actor)).execute().getId().getIdPart();
  }

  private Consent consent(String category, Consent.ConsentState status, String actor) {
    String[] coding = category.split("\\|");
    Consent consent = new Consent().setStatus(status)
        .setScope(concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"))
        .addCategory(concept(coding[0], coding[1])).setPatient(new Reference("Patient/" + patient))
        .setPolicyRule(concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTOUT"));
    consent.getProvision().setType(Consent.ConsentProvisionType.DENY);
    if (actor != null) {
      consent.getProvision().addActor().setReference(new Reference(actor))
          .setRole(concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP"));
    }
    return consent;
  }

  private static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }

  /** A token of the trusted issuer for {@code subject} with {@code role} and, unless null, {@code scope}. */
  private static String token(String subject, String role, String scope) {
    return token(subject, role, scope, SECURED.baseUrl());
  }

  /** Such a token for the node at {@code audience} (its base URL). */
  private static String token(String subject, String role, String scope, String audience) {
    JWTClaimsSet.Builder claims = SECURED.issuer().claims(audience).subject(subject)
        .claim("roles", List.of(role));
    if (scope != null) {
      claims.claim("scope", scope);
    }
    return "Bearer " + SECURED.sign(claims.build());
  }

  private void assertSees(IGenericClient client) {
    assertThat(client.read().resource(Patient.class).withId(patient).execute().getNameFirstRep().getFamily())
        .isEqualTo("Opted");
    assertThat(observations(client)).isEqualTo(1);
  }

  /** The patient is not found, and none of its data is, not even counted. */
  private void assertHidden(IGenericClient client) {
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(patient).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(observations(client)).isZero();
    assertThat(client.search().forResource(Encounter.class).where(Encounter.PATIENT.hasId("Patient/" + patient))
        .returnBundle(Bundle.class).execute().getEntry()).isEmpty();
  }

  private int observations(IGenericClient client) {
    return client.search().forResource(Observation.class).where(Observation.SUBJECT.hasId("Patient/" + patient))
        .summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class).execute().getTotal();
  }
}
