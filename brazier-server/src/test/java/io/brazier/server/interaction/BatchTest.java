package io.brazier.server.interaction;

import static io.brazier.server.interaction.TransactionTest.add;
import static io.brazier.server.interaction.TransactionTest.patient;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import io.brazier.testkit.Parallel;
import java.util.List;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class BatchTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void concurrentBatchesTransactionsAndCreatesWithTheSameConditionsCreateOnce() throws Exception {
    String value = java.util.UUID.randomUUID().toString();
    String condition = "identifier=http://example.org/mrn|" + value;
    server.overlap().reset();

    Parallel.run(12, 2, (thread, step) -> {
      BundleType type = List.of(BundleType.BATCH, BundleType.TRANSACTION, BundleType.COLLECTION).get(thread % 3);
      Patient patient = patient("Racer");
      patient.addIdentifier().setSystem("http://example.org/mrn").setValue(value);
      if (type == BundleType.COLLECTION) {
        return client.create().resource(patient).conditionalByUrl("Patient?" + condition).execute();
      }
      Bundle bundle = new Bundle().setType(type);
      add(bundle, "urn:uuid:" + java.util.UUID.randomUUID(), patient, HTTPVerb.POST, "Patient")
          .getRequest().setIfNoneExist(condition);
      return client.transaction().withBundle(bundle).execute();
    });

    assertThat(server.overlap().mostAtOnce()).as("bundles and creates the server ran at once").isGreaterThan(1);
    assertThat(client.search().byUrl("Patient?" + condition).returnBundle(Bundle.class).execute().getEntry())
        .hasSize(1);
  }

  @Test
  void syntheaReferenceDataLoadsAndAgainFindsWhatIsThere() {
    Bundle hospitals = Synthea.hospitals();
    client.transaction().withBundle(hospitals).execute();

    Bundle again = client.transaction().withBundle(hospitals).execute();

    assertThat(again.getType()).isEqualTo(BundleType.BATCHRESPONSE);
    assertThat(again.getEntry()).hasSize(hospitals.getEntry().size());
    assertThat(again.getEntry()).allSatisfy(entry -> assertThat(entry.getResponse().getStatus()).isEqualTo("200 OK"));
  }

  @Test
  void eachEntryAnswersOnItsOwnAndOneBadEntryDoesNotBlockTheOthers() {
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    add(batch, null, patient("First"), HTTPVerb.POST, "Patient");
    add(batch, null, null, HTTPVerb.GET, "Patient/no-such-patient");
    add(batch, null, TransactionTest.observation(new org.hl7.fhir.r4.model.Reference("Patient/nobody")),
        HTTPVerb.POST, "Observation");
    add(batch, null, patient("Last"), HTTPVerb.POST, "Patient");

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("201 Created", "404 Not Found", "400 Bad Request", "201 Created");
    BundleEntryResponseComponent created = response.getEntry().get(0).getResponse();
    assertThat(created.getLocation()).startsWith("Patient/");
    assertThat(created.getEtag()).isEqualTo("W/\"1\"");
    assertThat(created.getLastModified()).isNotNull();
    OperationOutcome outcome = (OperationOutcome) response.getEntry().get(2).getResponse().getOutcome();
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Bundle.entry[2]");
  }

  @Test
  void anEntryFindsWhatAnotherEntryOfTheBatchWrites() {
    String id = "batch-" + java.util.UUID.randomUUID();
    Patient patient = patient("Written");
    patient.setId(id);
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    add(batch, null, TransactionTest.observation(new org.hl7.fhir.r4.model.Reference("Patient/" + id)),
        HTTPVerb.POST, "Observation");
    add(batch, null, patient, HTTPVerb.PUT, "Patient/" + id);
    Binary activate = new Binary().setContentType("application/json-patch+json");
    activate.setData("[{\"op\": \"add\", \"path\": \"/active\", \"value\": true}]".getBytes(UTF_8));
    add(batch, null, activate, HTTPVerb.PATCH, "Patient/" + id);

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("201 Created", "201 Created", "200 OK");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getActive()).isTrue();
  }

  @Test
  void readsAndSearchesAnswerWithWhatTheyFoundAndWritesWithTheirStatus() {
    String id = client.create().resource(patient("Found")).execute().getId().getIdPart();
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    add(batch, null, null, HTTPVerb.GET, "Patient/" + id);
    add(batch, null, null, HTTPVerb.GET, "Patient?_id=" + id);
    add(batch, null, patient("Written"), HTTPVerb.POST, "Patient");

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getEntry().get(0).getResource()).isInstanceOf(Patient.class);
    Bundle found = (Bundle) response.getEntry().get(1).getResource();
    assertThat(found.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(id);
    assertThat(response.getEntry().get(2).getResponse().getStatus()).isEqualTo("201 Created");
    assertThat(response.getEntry().get(2).hasResource()).isFalse();
  }

  @Test
  void entriesWithTheSameConditionsOrTargetAnswerAsIfTheyRanOneAfterAnother() {
    String value = java.util.UUID.randomUUID().toString();
    String id = "batch-" + value.substring(0, 8);
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    for (int i = 0; i < 2; i++) {
      add(batch, null, patient("Same").addIdentifier(new org.hl7.fhir.r4.model.Identifier()
          .setSystem("http://example.org/mrn").setValue(value)), HTTPVerb.POST, "Patient").getRequest()
          .setIfNoneExist("identifier=http://example.org/mrn|" + value);
      add(batch, null, patient("Put").setId(id), HTTPVerb.PUT, "Patient/" + id);
    }

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("201 Created", "201 Created", "200 OK", "200 OK");
    assertThat(response.getEntry().get(2).getResponse().getLocation())
        .isEqualTo(response.getEntry().get(0).getResponse().getLocation());
    assertThat(response.getEntry().get(3).getResponse().getEtag()).isEqualTo("W/\"2\"");
  }

  @Test
  void anUnparseableEntryFailsAloneWhileTheOthersRun() {
    String batch = """
        {"resourceType": "Bundle", "type": "batch", "entry": [
          {"resource": {"resourceType": "Patient", "notAnElement": 1}, "request": {"method": "POST", "url": "Patient"}},
          {"resource": {"resourceType": "Patient", "active": true}, "request": {"method": "POST", "url": "Patient"}},
          {"request": {"url": "Patient"}}
        ]}""";
    long before = server.lastChange();

    Http.Response response = server.http().post("/fhir", batch);

    assertThat(response.status()).isEqualTo(200);
    Bundle answer = response.resource(Bundle.class);
    assertThat(answer.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("400 Bad Request", "201 Created", "400 Bad Request");
    assertThat(((OperationOutcome) answer.getEntry().get(0).getResponse().getOutcome()).getIssueFirstRep()
        .getDiagnostics()).isEqualTo("Bundle.entry[0]: The entry is not a valid FHIR resource: Unknown element"
        + " 'notAnElement' found during parse");
    assertThat(server.changesSince(before)).hasSize(1);
  }

  @Test
  void anEntryWithAControlCharacterFailsAloneNamingTheEntryAndTheElement() {
    String batch = """
        {"resourceType": "Bundle", "type": "batch", "entry": [
          {"resource": {"resourceType": "Patient", "active": true}, "request": {"method": "POST", "url": "Patient"}},
          {"resource": {"resourceType": "Patient", "name": [{"text": "bell\\u0007"}]},
           "request": {"method": "POST", "url": "Patient"}}
        ]}""";
    long before = server.lastChange();

    Bundle answer = server.http().post("/fhir", batch).resource(Bundle.class);

    assertThat(answer.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("201 Created", "400 Bad Request");
    assertThat(((OperationOutcome) answer.getEntry().get(1).getResponse().getOutcome()).getIssueFirstRep()
        .getExpression()).extracting(Object::toString).containsExactly("Bundle.entry[1]", "Patient.name[0].text");
    assertThat(server.changesSince(before)).hasSize(1);
  }
}
