package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.IQuery;
import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code _not-referenced} through HTTP, as Microsoft's FHIR server serves it: with other parameters, paging, totals,
 * and under a patient restriction, where only a reference from what the caller may see counts.
 */
class SearchNotReferencedTest {
  private static TestServer server;
  private final String system = "urn:test:" + UUID.randomUUID();

  @BeforeAll
  static void start() {
    server = TestServer.onSharedStore(ServerConfig.defaults(), List.of(new PatientHeader()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void onlyWhatNothingLiveRefersToIsFoundAmongTheOtherParametersMatches() {
    String referred = patient("referred");
    String alone = patient("alone");
    String forsaken = patient("forsaken");
    create(observation(referred));
    String gone = create(observation(forsaken));
    client().delete().resourceById("Observation", gone).execute();

    assertThat(ids(search("Patient?identifier=" + system + "|&_not-referenced=*:*")))
        .containsExactlyInAnyOrder(alone, forsaken);
  }

  @Test
  void aSourceTypeAndParameterNarrowWhichReferencesCount() {
    String observed = patient("observed");
    String encountered = patient("encountered");
    create(observation(observed));
    Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
    encounter.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
    create(encounter.setSubject(patientReference(encountered)));
    String query = "Patient?identifier=" + system + "|&_not-referenced=";

    assertThat(ids(search(query + "Observation:subject"))).containsExactly(encountered);
    assertThat(ids(search(query + "Encounter:*"))).containsExactly(observed);
    assertThat(ids(search(query + "Observation:performer"))).containsExactlyInAnyOrder(observed, encountered);
  }

  @Test
  void countTotalAndPagingGoOverTheMatchesOnly() {
    List<String> alone = List.of(patient("a"), patient("b"), patient("c"));
    create(observation(patient("referred")));

    Bundle first = client().search().byUrl("Patient?identifier=" + system + "|&_not-referenced=*:*&_count=2"
        + "&_total=accurate&_sort=_id").returnBundle(Bundle.class).execute();
    Bundle second = client().loadPage().next(first).execute();

    assertThat(first.getTotal()).isEqualTo(3);
    assertThat(first.getEntry()).hasSize(2);
    assertThat(second.getLink(Bundle.LINK_NEXT)).isNull();
    assertThat(concat(ids(first), ids(second))).containsExactlyElementsOf(alone.stream().sorted().toList());
  }

  @Test
  void aReferenceFromWhatTheCallerCannotSeeDoesNotCount() {
    String alice = patient("alice");
    String bob = patient("bob");
    String alicesDoctor = create(new Practitioner().addIdentifier(identifier("alices")));
    String bobsDoctor = create(new Practitioner().addIdentifier(identifier("bobs")));
    create(observation(alice).addPerformer(new Reference("Practitioner/" + alicesDoctor)));
    create(observation(bob).addPerformer(new Reference("Practitioner/" + bobsDoctor)));
    String doctors = "Practitioner?identifier=" + system + "|&_not-referenced=*:*";

    assertThat(ids(search(doctors))).isEmpty();
    assertThat(ids(searchAs(alice, doctors))).containsExactly(bobsDoctor);
    assertThat(ids(searchAs(alice, "Patient?_not-referenced=*:*"))).isEmpty();
    assertThat(searchAs(alice, doctors + "&_summary=count").getTotal()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"*:subject", "Observation", "Observation:subject:Patient", "Bogus:*", "Observation:bogus",
      "Observation:code"})
  void aBadValueIsA400WithAnOperationOutcome(String value) {
    Http http = server.http();

    http.refused(400, "GET", "/fhir/Patient?_not-referenced=" + value, (byte[]) null);
  }

  private Bundle search(String query) {
    return client().search().byUrl(query).returnBundle(Bundle.class).execute();
  }

  private Bundle searchAs(String patient, String query) {
    IQuery<Bundle> search = client().search().byUrl(query).returnBundle(Bundle.class);
    return search.withAdditionalHeader(PatientHeader.NAME, patient).execute();
  }

  private String patient(String value) {
    return create(new Patient().addIdentifier(identifier(value)));
  }

  private org.hl7.fhir.r4.model.Identifier identifier(String value) {
    return new org.hl7.fhir.r4.model.Identifier().setSystem(system).setValue(value);
  }

  private static Observation observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("weight");
    return observation.setSubject(patientReference(patient));
  }

  private static Reference patientReference(String id) {
    return new Reference("Patient/" + id);
  }

  private static String create(Resource resource) {
    return client().create().resource(resource).execute().getId().getIdPart();
  }

  private static IGenericClient client() {
    return server.client();
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream().map(BundleEntryComponent::getResource).map(r -> r.getIdElement().getIdPart())
        .toList();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }
}
