package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.util.FhirTerser;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Specimen;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

class TransactionTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void aSyntheaPatientLoadsAsOneTransactionWithEveryReferencePointingAtAStoredResource() {
    Synthea.loadReferenceData(client);
    Bundle request = Synthea.patient();

    Bundle response = client.transaction().withBundle(request).execute();

    assertThat(response.getType()).isEqualTo(BundleType.TRANSACTIONRESPONSE);
    assertThat(response.getEntry()).hasSize(request.getEntry().size());
    FhirTerser terser = server.fhir().context().newTerser();
    for (int i = 0; i < response.getEntry().size(); i++) {
      Bundle.BundleEntryResponseComponent answer = response.getEntry().get(i).getResponse();
      String type = request.getEntry().get(i).getResource().fhirType();
      assertThat(answer.getStatus()).isEqualTo("201 Created");
      assertThat(answer.getLocation()).startsWith(type + "/").endsWith("/_history/1");
      assertThat(answer.getEtag()).isEqualTo("W/\"1\"");
      assertThat(answer.getLastModified()).isNotNull();
      IBaseResource stored = client.read().resource(type).withUrl(new IdType(answer.getLocation()).toVersionless())
          .execute();
      for (Reference reference : terser.getAllPopulatedChildElementsOfType(stored, Reference.class)) {
        String value = reference.getReference();
        if (value != null && !value.startsWith("#")) {
          assertThat(value).doesNotContain("urn:uuid").doesNotContain("?");
          assertThat(client.read().resource(value.substring(0, value.indexOf('/'))).withUrl(value).execute())
              .isNotNull();
        }
      }
    }
  }

  @Test
  void conditionalReferencesOfASyntheaPatientBecomeTheReferenceDataTheyName() {
    Synthea.loadReferenceData(client);

    Bundle response = client.transaction().withBundle(Synthea.patient()).execute();

    String encounterUrl = response.getEntry().stream().map(entry -> entry.getResponse().getLocation())
        .filter(location -> location.startsWith("Encounter/")).findFirst().orElseThrow();
    Encounter encounter = client.read().resource(Encounter.class).withUrl(new IdType(encounterUrl).toVersionless())
        .execute();
    assertThat(encounter.getParticipantFirstRep().getIndividual().getReference()).startsWith("Practitioner/");
    assertThat(encounter.getServiceProvider().getReference()).startsWith("Organization/");
    assertThat(encounter.getLocationFirstRep().getLocation().getReference()).startsWith("Location/");
    assertThat(encounter.getSubject().getReference()).startsWith("Patient/");
  }

  @Test
  void anInvalidEntryRollsBackEverythingAndTheOutcomeNamesTheEntry() {
    Synthea.loadReferenceData(client);
    String json = Synthea.json("patient.json.gz");
    int tenth = nthResourceStart(json, 10);
    String broken = json.substring(0, tenth) + "\"notAnElement\":true," + json.substring(tenth);
    OperationOutcome outcome = server.http().refused(400, "POST", "/fhir", broken);

    assertThat(outcome.getIssueFirstRep().getExpression()).extracting(Object::toString)
        .contains("Bundle.entry[10]");
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("notAnElement");
  }

  @Test
  void anEntryWithAControlCharacterRollsBackEverythingNamingTheEntryAndTheElement() {
    OperationOutcome outcome = server.http().refused(400, "POST", "/fhir", """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Patient", "active": true}, "request": {"method": "POST", "url": "Patient"}},
          {"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x\\u001b[31m"}},
           "request": {"method": "POST", "url": "Observation"}}
        ]}""");

    assertThat(outcome.getIssueFirstRep().getExpression()).extracting(Object::toString)
        .containsExactly("Bundle.entry[1]", "Observation.code.text");
  }

  @Test
  void anEntryMissingARequiredElementRollsBackEverythingNamingTheEntryAndTheElement() {
    long before = server.lastChange();

    OperationOutcome outcome = server.http().refused(400, "POST", "/fhir", """
        {"resourceType": "Bundle", "type": "transaction", "entry": [
          {"resource": {"resourceType": "Patient", "active": true}, "request": {"method": "POST", "url": "Patient"}},
          {"resource": {"resourceType": "Observation", "code": {"text": "weight"}},
           "request": {"method": "POST", "url": "Observation"}}
        ]}""");

    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.REQUIRED);
    assertThat(outcome.getIssueFirstRep().getExpression()).extracting(Object::toString)
        .containsExactly("Bundle.entry[1]", "Observation.status");
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void aReferenceToAResourceThatDoesNotExistRollsBackEverything() {
    Bundle bundle = transaction();
    add(bundle, "urn:uuid:" + UUID.randomUUID(), patient("Kept"), HTTPVerb.POST, "Patient");
    Observation observation = observation(new Reference("Patient/no-such-patient"));
    add(bundle, null, observation, HTTPVerb.POST, "Observation");
    long before = server.lastChange();

    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
          assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Bundle.entry[1]");
          assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Patient/no-such-patient");
        });
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void aStaleIfMatchOnAnEntryFailsTheTransactionWith412() {
    Patient patient = created(patient("Versioned"));
    Bundle bundle = transaction();
    add(bundle, null, patient("New"), HTTPVerb.POST, "Patient");
    add(bundle, null, patient.copy().setActive(true), HTTPVerb.PUT, "Patient/" + patient.getIdPart())
        .getRequest().setIfMatch("W/\"7\"");
    long before = server.lastChange();

    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOfSatisfying(PreconditionFailedException.class, e -> assertThat(
            ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getExpression().get(0).getValue())
            .isEqualTo("Bundle.entry[1]"));
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void fullUrlsAreRewrittenInReferencesExtensionsContainedResourcesUrisAndNarrative() {
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    Bundle bundle = transaction();
    Observation observation = observation(new Reference(patientUrl));
    observation.addExtension("http://example.org/about", new Reference(patientUrl));
    observation.addExtension("http://example.org/uri", new UriType(patientUrl));
    observation.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED)
        .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"" + patientUrl + "\">patient</a></div>");
    Specimen specimen = new Specimen().setSubject(new Reference(patientUrl));
    specimen.setId("specimen");
    observation.addContained(specimen);
    observation.setSpecimen(new Reference("#specimen"));
    add(bundle, null, observation, HTTPVerb.POST, "Observation");
    add(bundle, patientUrl, patient("Linked"), HTTPVerb.POST, "Patient");

    Bundle response = client.transaction().withBundle(bundle).execute();

    String patientId = "Patient/" + new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart();
    Observation stored = client.read().resource(Observation.class)
        .withUrl(new IdType(response.getEntry().get(0).getResponse().getLocation()).toVersionless()).execute();
    assertThat(stored.getSubject().getReference()).isEqualTo(patientId);
    assertThat(((Reference) stored.getExtensionByUrl("http://example.org/about").getValue()).getReference())
        .isEqualTo(patientId);
    assertThat(((UriType) stored.getExtensionByUrl("http://example.org/uri").getValue()).getValue())
        .isEqualTo(patientId);
    assertThat(stored.getText().getDivAsString()).contains("href=\"" + patientId + "\"");
    assertThat(((Specimen) stored.getContained().get(0)).getSubject().getReference()).isEqualTo(patientId);
    assertThat(stored.getSpecimen().getReference()).isEqualTo("#specimen");
  }

  @Test
  void aRelativeReferenceResolvesAgainstTheAbsoluteFullUrlOfItsEntry() {
    Bundle bundle = transaction();
    add(bundle, "http://example.org/fhir/Patient/123", patient("Absolute"), HTTPVerb.POST, "Patient");
    add(bundle, "http://example.org/fhir/Observation/1", observation(new Reference("Patient/123")), HTTPVerb.POST,
        "Observation");

    Bundle response = client.transaction().withBundle(bundle).execute();

    Observation stored = read(Observation.class, response.getEntry().get(1));
    assertThat(stored.getSubject().getReference())
        .isEqualTo("Patient/" + new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart());
  }

  @Test
  void entriesRunDeletesThenCreatesThenUpdatesThenReadsAndAnswerInRequestOrder() {
    Patient kept = created(patient("Before"));
    Patient doomed = created(patient("Doomed"));
    Bundle bundle = transaction();
    add(bundle, null, null, HTTPVerb.GET, "Patient/" + kept.getIdPart());
    add(bundle, null, kept.copy().setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE),
        HTTPVerb.PUT, "Patient/" + kept.getIdPart());
    add(bundle, null, null, HTTPVerb.DELETE, "Patient/" + doomed.getIdPart());
    add(bundle, null, patient("Created"), HTTPVerb.POST, "Patient");

    Bundle response = client.transaction().withBundle(bundle).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("200 OK", "200 OK", "204 No Content", "201 Created");
    Patient read = (Patient) response.getEntry().get(0).getResource();
    assertThat(read.getGender()).isEqualTo(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    assertThat(response.getEntry().get(1).getResponse().getEtag()).isEqualTo("W/\"2\"");
  }

  @Test
  void twoEntriesThatWriteTheSameResourceFailTheTransaction() {
    Patient patient = created(patient("Twice"));
    Bundle bundle = transaction();
    add(bundle, null, patient.copy(), HTTPVerb.PUT, "Patient/" + patient.getIdPart());
    add(bundle, null, null, HTTPVerb.DELETE, "Patient/" + patient.getIdPart());
    long before = server.lastChange();

    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(
            ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics())
            .contains("Bundle.entry[1]").contains("Bundle.entry[0]"));
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void ifNoneExistOnAnEntryFindsTheResourceAndReferencesToItsFullUrlPointThere() {
    String system = "http://example.org/mrn";
    String value = UUID.randomUUID().toString();
    Patient existing = created(patient("Existing").addIdentifier(new org.hl7.fhir.r4.model.Identifier()
        .setSystem(system).setValue(value)));
    Bundle bundle = transaction();
    add(bundle, "urn:uuid:p", patient("Duplicate"), HTTPVerb.POST, "Patient").getRequest()
        .setIfNoneExist("identifier=" + system + "|" + value);
    add(bundle, null, observation(new Reference("urn:uuid:p")), HTTPVerb.POST, "Observation");

    Bundle response = client.transaction().withBundle(bundle).execute();

    assertThat(response.getEntry().get(0).getResponse().getStatus()).isEqualTo("200 OK");
    assertThat(response.getEntry().get(0).getResponse().getLocation())
        .startsWith("Patient/" + existing.getIdPart() + "/");
    assertThat(read(Observation.class, response.getEntry().get(1)).getSubject().getReference())
        .isEqualTo("Patient/" + existing.getIdPart());
  }

  @Test
  void conditionalUpdateAndConditionalDeleteUrlsWorkInATransaction() {
    String system = "http://example.org/mrn";
    String fresh = UUID.randomUUID().toString();
    String old = UUID.randomUUID().toString();
    created(patient("Old").addIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(system).setValue(old)));
    Bundle bundle = transaction();
    add(bundle, null, patient("Fresh").addIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(system)
        .setValue(fresh)), HTTPVerb.PUT, "Patient?identifier=" + system + "|" + fresh);
    add(bundle, null, null, HTTPVerb.DELETE, "Patient?identifier=" + system + "|" + old);

    Bundle response = client.transaction().withBundle(bundle).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("201 Created", "204 No Content");
  }

  @Test
  void ifNoneMatchAndIfModifiedSinceOnReadEntriesAnswer304() {
    Patient patient = created(patient("Cached"));
    Bundle bundle = transaction();
    add(bundle, null, null, HTTPVerb.GET, "Patient/" + patient.getIdPart()).getRequest().setIfNoneMatch("W/\"1\"");
    add(bundle, null, null, HTTPVerb.GET, "Patient/" + patient.getIdPart()).getRequest()
        .setIfModifiedSince(new java.util.Date(System.currentTimeMillis() + 60_000));

    Bundle response = client.transaction().withBundle(bundle).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("304 Not Modified", "304 Not Modified");
  }

  @Test
  void aConditionalReferenceMatchingSeveralResourcesIs412NamingTheEntryAndTheReference() {
    String npi = UUID.randomUUID().toString();
    created(practitioner(npi));
    created(practitioner(npi));
    Bundle bundle = transaction();
    String reference = "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|" + npi;
    add(bundle, null, observation(null).addPerformer(new Reference(reference)), HTTPVerb.POST, "Observation");

    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOfSatisfying(PreconditionFailedException.class, e -> {
          var issue = ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep();
          assertThat(issue.getExpression().get(0).getValue()).isEqualTo("Bundle.entry[0]");
          assertThat(issue.getDiagnostics()).contains(reference);
        });
  }

  @Test
  void aConditionalReferenceMatchingNothingIs400() {
    Bundle bundle = transaction();
    add(bundle, null, observation(null).addPerformer(new Reference(
        "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|" + UUID.randomUUID())), HTTPVerb.POST,
        "Observation");

    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void aConditionalReferenceFindsAResourceCreatedByTheSameTransaction() {
    String npi = UUID.randomUUID().toString();
    Bundle bundle = transaction();
    add(bundle, null, observation(null).addPerformer(new Reference(
        "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|" + npi)), HTTPVerb.POST, "Observation");
    add(bundle, null, practitioner(npi), HTTPVerb.POST, "Practitioner");

    Bundle response = client.transaction().withBundle(bundle).execute();

    assertThat(read(Observation.class, response.getEntry().get(0)).getPerformerFirstRep().getReference())
        .isEqualTo("Practitioner/" + new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart());
  }

  @Test
  void preferReturnRepresentationPutsTheStoredResourcesInTheResponse() {
    Bundle bundle = transaction();
    add(bundle, null, patient("Shown"), HTTPVerb.POST, "Patient");

    Bundle response = client.transaction().withBundle(bundle)
        .withAdditionalHeader("Prefer", "return=representation").execute();

    Patient shown = (Patient) response.getEntryFirstRep().getResource();
    assertThat(shown.getNameFirstRep().getFamily()).isEqualTo("Shown");
    assertThat(shown.getMeta().getVersionId()).isEqualTo("1");
    assertThat(response.getEntryFirstRep().getFullUrl()).endsWith("/Patient/" + shown.getIdPart());
  }

  @Test
  void twoEntriesWithTheSameFullUrlFailTheTransaction() {
    Bundle bundle = transaction();
    add(bundle, "urn:uuid:twice", patient("One"), HTTPVerb.POST, "Patient");
    add(bundle, "urn:uuid:twice", patient("Two"), HTTPVerb.POST, "Patient");

    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(
            ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getExpression().get(0).getValue())
            .isEqualTo("Bundle.entry[1]"));
  }

  @Test
  void anXmlTransactionIsProcessedLikeAJsonOne() {
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    Bundle bundle = transaction();
    add(bundle, patientUrl, patient("Xml"), HTTPVerb.POST, "Patient");
    add(bundle, null, observation(new Reference(patientUrl)), HTTPVerb.POST, "Observation");

    Bundle response = client.transaction().withBundle(bundle).encodedXml().execute();

    assertThat(read(Observation.class, response.getEntry().get(1)).getSubject().getReference())
        .isEqualTo("Patient/" + new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart());
  }

  @Test
  void patchEntriesApplyAFhirPathPatchAndAJsonPatchInTheSameCommit() {
    Patient first = created(patient("Before"));
    Patient second = created(patient("Before"));
    Parameters fhirPathPatch = new Parameters();
    var operation = fhirPathPatch.addParameter().setName("operation");
    operation.addPart().setName("type").setValue(new CodeType("replace"));
    operation.addPart().setName("path").setValue(new StringType("Patient.name[0].family"));
    operation.addPart().setName("value").setValue(new StringType("AfterFhirPath"));
    Binary jsonPatch = new Binary().setContentType("application/json-patch+json");
    jsonPatch.setData("[{\"op\": \"replace\", \"path\": \"/name/0/family\", \"value\": \"AfterJson\"}]"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Bundle bundle = transaction();
    add(bundle, null, fhirPathPatch, HTTPVerb.PATCH, "Patient/" + first.getIdPart());
    add(bundle, null, jsonPatch, HTTPVerb.PATCH, "Patient/" + second.getIdPart()).getRequest().setIfMatch("W/\"1\"");

    Bundle response = client.transaction().withBundle(bundle).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("200 OK", "200 OK");
    assertThat(read(Patient.class, response.getEntry().get(0)).getNameFirstRep().getFamily())
        .isEqualTo("AfterFhirPath");
    assertThat(read(Patient.class, response.getEntry().get(1)).getNameFirstRep().getFamily()).isEqualTo("AfterJson");
  }

  /** Where the resource object of the nth entry starts, just after its opening brace. */
  private static int nthResourceStart(String json, int n) {
    int at = -1;
    for (int i = 0; i <= n; i++) {
      at = json.indexOf("\"resource\"", at + 1);
    }
    return json.indexOf('{', at) + 1;
  }

  static Bundle transaction() {
    return new Bundle().setType(BundleType.TRANSACTION);
  }

  static BundleEntryComponent add(Bundle bundle, String fullUrl, Resource resource, HTTPVerb method, String url) {
    BundleEntryComponent entry = bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
    entry.getRequest().setMethod(method).setUrl(url);
    return entry;
  }

  static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  static Practitioner practitioner(String npi) {
    Practitioner practitioner = new Practitioner();
    practitioner.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(npi);
    return practitioner;
  }

  static Observation observation(Reference subject) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("weight");
    observation.setSubject(subject);
    return observation;
  }

  private <T extends Resource> T created(T resource) {
    IdType id = (IdType) client.create().resource(resource).execute().getId();
    resource.setId(id.toVersionless());
    return resource;
  }

  private <T extends IBaseResource> T read(Class<T> type, BundleEntryComponent entry) {
    return client.read().resource(type).withUrl(new IdType(entry.getResponse().getLocation()).toVersionless())
        .execute();
  }
}
