package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.SecuredServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code transform-bundle} on a secured server: transactions sent with HAPI's client run as batches. */
class TransformBundleTest {
  private static final SecuredServer SERVER = SecuredServer.start(new ProcessorConfig(List.of("transform-bundle"),
      List.of(), null, Map.of()));
  private static final IGenericClient CLIENT = SERVER.client("Writer", "Reader");

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Test
  void entriesNamedByUuidAreCreatedWithThatIdAndReferencesFollowThem() {
    String uuid = UUID.randomUUID().toString();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, "urn:uuid:" + uuid, patient(uuid), HTTPVerb.POST, "Patient");
    add(transaction, null, observation("urn:uuid:" + uuid), HTTPVerb.POST, "Observation");

    Bundle response = CLIENT.transaction().withBundle(transaction).execute();

    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .allMatch(status -> status.startsWith("201"));
    assertThat(CLIENT.read().resource(Patient.class).withId(uuid).execute().getIdentifierFirstRep().getValue())
        .isEqualTo(uuid);
    assertThat(subjectOfObservationAt(response, 1)).isEqualTo("Patient/" + uuid);
  }

  @Test
  void aWriteWhoseTargetFailsIsNotSentAndSaysWhy() {
    String uuid = UUID.randomUUID().toString();
    Patient invalid = patient(uuid);
    invalid.addName().setFamily("\u0001");
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, "urn:uuid:" + uuid, invalid, HTTPVerb.POST, "Patient");
    add(transaction, null, observation("urn:uuid:" + uuid), HTTPVerb.POST, "Observation");
    add(transaction, null, patient(UUID.randomUUID().toString()), HTTPVerb.POST, "Patient");

    Bundle response = CLIENT.transaction().withBundle(transaction).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus().substring(0, 3))
        .containsExactly("400", "424", "201");
    assertThat(((OperationOutcome) response.getEntry().get(1).getResponse().getOutcome()).getIssueFirstRep()
        .getDiagnostics()).contains("entry 0", "urn:uuid:" + uuid);
  }

  @Test
  void theRoundsAreSentAsTheCallerWithItsRights() {
    IGenericClient patientsOnly = SERVER.server().client();
    AdditionalRequestHeadersInterceptor token = new AdditionalRequestHeadersInterceptor();
    token.addHeaderValue("Authorization", SERVER.bearer(List.of(), List.of("user/Patient.cruds")));
    patientsOnly.registerInterceptor(token);
    String uuid = UUID.randomUUID().toString();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, "urn:uuid:" + uuid, patient(uuid), HTTPVerb.POST, "Patient");
    add(transaction, null, observation("urn:uuid:" + uuid), HTTPVerb.POST, "Observation");

    Bundle response = patientsOnly.transaction().withBundle(transaction).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus().substring(0, 3))
        .containsExactly("201", "403");
  }

  @Test
  void aConditionalCreateThatMatchesCreatesNothingAndReferencesPointToTheMatch() {
    String mrn = UUID.randomUUID().toString();
    String existing = CLIENT.create().resource(patient(mrn)).execute().getId().getIdPart();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, "urn:uuid:" + UUID.randomUUID(), patient(mrn), HTTPVerb.POST, "Patient")
        .getRequest().setIfNoneExist("identifier=urn:mrn|" + mrn);
    add(transaction, null, observation(transaction.getEntryFirstRep().getFullUrl()), HTTPVerb.POST, "Observation");

    Bundle response = CLIENT.transaction().withBundle(transaction).execute();

    assertThat(response.getEntryFirstRep().getResponse().getStatus()).startsWith("200");
    assertThat(subjectOfObservationAt(response, 1)).isEqualTo("Patient/" + existing);
    assertThat(patientsWith(mrn)).isEqualTo(1);
  }

  @Test
  void aConditionalUpdateUpdatesTheOneItMatches() {
    String mrn = UUID.randomUUID().toString();
    String existing = CLIENT.create().resource(patient(mrn)).execute().getId().getIdPart();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, null, patient(mrn).setActive(false), HTTPVerb.PUT, "Patient?identifier=urn:mrn|" + mrn);

    CLIENT.transaction().withBundle(transaction).execute();

    Patient updated = CLIENT.read().resource(Patient.class).withId(existing).execute();
    assertThat(updated.getActive()).isFalse();
    assertThat(updated.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void aConditionThatMatchesMoreThanOneIsA412AndWritesNothing() {
    String mrn = UUID.randomUUID().toString();
    CLIENT.create().resource(patient(mrn)).execute();
    CLIENT.create().resource(patient(mrn)).execute();
    String other = UUID.randomUUID().toString();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(transaction, "urn:uuid:" + other, patient(other), HTTPVerb.POST, "Patient");
    add(transaction, null, patient(mrn), HTTPVerb.PUT, "Patient?identifier=urn:mrn|" + mrn);

    assertThatThrownBy(() -> CLIENT.transaction().withBundle(transaction).execute())
        .isInstanceOf(PreconditionFailedException.class).hasMessageContaining("more than one");
    assertThat(patientsWith(other)).isZero();
  }

  private static BundleEntryComponent add(Bundle bundle, String fullUrl, org.hl7.fhir.r4.model.Resource resource,
      HTTPVerb method, String url) {
    BundleEntryComponent entry = bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
    entry.getRequest().setMethod(method).setUrl(url);
    return entry;
  }

  private static Patient patient(String mrn) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("urn:mrn").setValue(mrn);
    return patient;
  }

  private static Observation observation(String subject) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference(subject));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }

  private static String subjectOfObservationAt(Bundle response, int index) {
    IdType id = new IdType(response.getEntry().get(index).getResponse().getLocation());
    return CLIENT.read().resource(Observation.class).withId(id.getIdPart()).execute().getSubject().getReference();
  }

  private static int patientsWith(String mrn) {
    return CLIENT.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly()
        .systemAndIdentifier("urn:mrn", mrn)).returnBundle(Bundle.class).execute().getEntry().size();
  }
}
