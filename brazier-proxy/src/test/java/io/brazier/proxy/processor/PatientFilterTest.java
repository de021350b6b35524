package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.CallerReach;
import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.ProcessorSettings;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.proxy.ProxyUnderTest;
import io.brazier.proxy.Security;
import io.brazier.proxy.SecurityConfig;
import io.brazier.server.Caller;
import io.brazier.server.TestServer;
import io.brazier.testkit.TempFolders;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code consent-opt-out} and {@code participant-filter} in front of another Brazier that knows nothing of the
 * callers: two patients with an Observation each (of a code of this test's own), the first patient opted out of
 * its data for one practitioner, who treats the second. The opt-out is tested through {@code brazier proxy} with
 * HAPI's client; the participant filter on an answer of the upstream directly, as the standalone proxy refuses
 * callers confined to patients before any processor runs.
 */
class PatientFilterTest {
  private static final IGenericClient UPSTREAM = TestServer.shared().client();
  private static final String CODE = "filter-" + UUID.randomUUID();
  private static final ProxyUnderTest PROXY = ProxyUnderTest.start(TestServer.shared().baseUrl(),
      new ProcessorConfig(List.of(), List.of("consent-opt-out", "participant-filter"), null, Map.of()));
  private static String practitioner;
  private static String optedOut;
  private static String treated;
  private static String optedOutObservation;
  private static String treatedObservation;

  @BeforeAll
  static void write() {
    practitioner = UPSTREAM.create().resource(new Practitioner()).execute().getId().getIdPart();
    optedOut = UPSTREAM.create().resource(new Patient()).execute().getId().getIdPart();
    treated = UPSTREAM.create().resource(new Patient().addGeneralPractitioner(new Reference("Practitioner/"
        + practitioner))).execute().getId().getIdPart();
    optedOutObservation = observation(optedOut);
    treatedObservation = observation(treated);
    UPSTREAM.create().resource(optOut(optedOut, "Practitioner/" + practitioner)).execute();
  }

  @AfterAll
  static void stop() {
    PROXY.close();
  }

  @Test
  void anOptOutKeepsTheCallerItNamesOutOfThePatientsDataAndSaysSo() {
    IGenericClient doctor = PROXY.client(PROXY.sign(PROXY.claims().subject("doctor").claim("roles",
        List.of("Reader")).claim("fhirUser", "Practitioner/" + practitioner)));

    Bundle page = doctor.search().byUrl("Observation?code=" + CODE).returnBundle(Bundle.class).execute();

    assertThat(matches(page)).containsExactly(treatedObservation);
    assertThat(page.hasTotal()).as("a total would count what was left out").isFalse();
    assertThat(outcome(page)).contains("left out");
    assertThatThrownBy(() -> doctor.read().resource(Observation.class).withId(optedOutObservation).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(doctor.read().resource(Patient.class).withId(treated).execute().getIdElement().getIdPart())
        .isEqualTo(treated);
  }

  @Test
  void aPageSaysTheSameWhetherOrNotItLostThePatientsData() {
    IGenericClient doctor = PROXY.client(PROXY.sign(PROXY.claims().subject("doctor").claim("roles",
        List.of("Reader")).claim("fhirUser", "Practitioner/" + practitioner)));

    Bundle lost = doctor.search().byUrl("Observation?code=" + CODE).returnBundle(Bundle.class).execute();
    Bundle whole = doctor.search().byUrl("Observation?code=" + CODE + "&subject=Patient/" + treated)
        .returnBundle(Bundle.class).execute();

    assertThat(matches(lost)).isEqualTo(matches(whole)).containsExactly(treatedObservation);
    assertThat(ProxyUnderTest.shape(lost)).isEqualTo(ProxyUnderTest.shape(whole));
  }

  @Test
  void callersTheOptOutDoesNotNameSeeEverything() {
    IGenericClient reader = PROXY.client(PROXY.token("reader", List.of("Reader"), null));

    Bundle page = reader.search().byUrl("Observation?code=" + CODE).returnBundle(Bundle.class).execute();

    assertThat(matches(page)).containsExactlyInAnyOrder(optedOutObservation, treatedObservation);
    assertThat(page.getTotal()).isEqualTo(2);
  }

  @Test
  void aPractitionerSeesOnlyThePatientsItTreats() {
    try (Security security = Security.start(securityConfig(), TestServer.shared().database().dataSource())) {
      CallerReach reach = security.upstreamIsolation(TestServer.shared().api().client(Caller.system("urn:test"),
          TestServer.shared().baseUrl()), TestServer.shared().baseUrl(), TestServer.shared().fhir()).reach();
      Caller doctor = new Caller("https://issuer.test", "doctor", null, Set.of("Practitioner"), Set.of(),
          "Practitioner/" + practitioner, null, null);
      Fhir fhir = TestServer.shared().fhir();
      var filter = new ParticipantFilterProvider().create(new ProcessorSettings(fhir, null, Map.of()));
      Bundle answer = UPSTREAM.search().byUrl("Observation?code=" + CODE).returnBundle(Bundle.class).execute();
      ProxyRequest request = new ProxyRequest("GET", List.of("Observation"), Map.of("code", List.of(CODE)),
          name -> null, null, doctor, TestServer.shared().baseUrl(), null, null, reach);

      ProxyResponse filtered = filter.after(request, ProxyResponse.of(200, answer));
      ProxyResponse outside = filter.after(request, ProxyResponse.of(200, UPSTREAM.read().resource(Patient.class)
          .withId(optedOut).execute()));

      assertThat(matches((Bundle) filtered.resource())).containsExactly(treatedObservation);
      assertThat(outside.status()).isEqualTo(404);
    }
  }

  private static SecurityConfig securityConfig() {
    return new SecurityConfig(List.of(), List.of(), TempFolders.createUntilExit("brazier-filter")
        .resolve("clients.json"), SecurityConfig.DEFAULT_TOKEN_LIFETIME, SecurityConfig.DEFAULT_KEY_ROTATION,
        Map.of(), IsolationConfig.DEFAULTS);
  }

  private static String observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept(new Coding("urn:brazier:test", CODE, null)))
        .setSubject(new Reference("Patient/" + patient));
    return UPSTREAM.create().resource(observation).execute().getId().getIdPart();
  }

  private static Consent optOut(String patient, String actor) {
    String[] category = IsolationConfig.DEFAULT_CONSENT_CATEGORY.split("\\|");
    Consent consent = new Consent().setStatus(Consent.ConsentState.ACTIVE)
        .setScope(concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"))
        .addCategory(concept(category[0], category[1])).setPatient(new Reference("Patient/" + patient))
        .setPolicyRule(concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTOUT"));
    consent.getProvision().setType(Consent.ConsentProvisionType.DENY).addActor()
        .setReference(new Reference(actor))
        .setRole(concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP"));
    return consent;
  }

  private static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }

  private static List<String> matches(Bundle page) {
    return page.getEntry().stream().filter(entry -> entry.getResource() instanceof Observation)
        .map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
  }

  private static String outcome(Bundle page) {
    return page.getEntry().stream().filter(entry -> entry.getResource() instanceof OperationOutcome)
        .map(entry -> ((OperationOutcome) entry.getResource()).getIssueFirstRep().getDiagnostics())
        .findFirst().orElse("");
  }
}
