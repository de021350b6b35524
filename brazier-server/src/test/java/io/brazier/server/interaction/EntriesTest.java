package io.brazier.server.interaction;

import static io.brazier.server.interaction.TransactionTest.add;
import static io.brazier.server.interaction.TransactionTest.patient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * How each entry of a batch or transaction becomes a request of its own: its url relative or absolute on this server
 * (whatever the case of its scheme and host), and the entries that cannot be routed at all (no method, no url, no
 * type, another server's url, a write without its resource), each refused with a 400 that names the entry and says
 * what is missing.
 */
class EntriesTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void anEntryUrlMayBeRelativeStartWithASlashOrBeAbsoluteOnThisServer() {
    String id = client.create().resource(patient("Routed")).execute().getId().getIdPart();
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    add(batch, null, null, HTTPVerb.GET, "Patient/" + id);
    add(batch, null, null, HTTPVerb.GET, "/Patient/" + id);
    add(batch, null, null, HTTPVerb.GET, server.baseUrl() + "/Patient/" + id);
    add(batch, null, null, HTTPVerb.GET, server.baseUrl().replace("http:", "HTTP:") + "/Patient/" + id);
    add(batch, null, null, HTTPVerb.GET, server.baseUrl() + "/Patient?_id=" + id);

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsOnly("200 OK").hasSize(5);
    assertThat(response.getEntry().subList(0, 4)).extracting(entry -> entry.getResource().getIdElement().getIdPart())
        .containsOnly(id);
    Bundle searchset = (Bundle) response.getEntry().get(4).getResource();
    assertThat(searchset.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart())
        .containsExactly(id);
  }

  @Test
  void eachEntryThatCannotBeRoutedFailsAloneWithA400SayingWhatIsMissing() {
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    batch.addEntry().setResource(patient("NoMethod")).getRequest().setUrl("Patient");
    add(batch, null, patient("NoUrl"), HTTPVerb.POST, null);
    add(batch, null, null, HTTPVerb.GET, "?_id=x");
    add(batch, null, patient("Elsewhere"), HTTPVerb.POST, "http://elsewhere.example/fhir/Patient");
    add(batch, null, null, HTTPVerb.PUT, "Patient/no-body");
    add(batch, null, patient("Sound"), HTTPVerb.POST, "Patient");
    long before = server.lastChange();

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus()).containsExactly(
        "400 Bad Request", "400 Bad Request", "400 Bad Request", "400 Bad Request", "400 Bad Request",
        "201 Created");
    List<String> diagnostics = response.getEntry().subList(0, 5).stream()
        .map(entry -> issue(entry).getDiagnostics()).toList();
    assertThat(diagnostics.get(0)).contains("no request.method");
    assertThat(diagnostics.get(1)).contains("no request.url");
    assertThat(diagnostics.get(2)).contains("names no resource type");
    assertThat(diagnostics.get(3)).contains("http://elsewhere.example/fhir/Patient").contains("not on this server")
        .contains(server.baseUrl());
    assertThat(diagnostics.get(4)).contains("PUT has no resource");
    for (int i = 0; i < 5; i++) {
      assertThat(issue(response.getEntry().get(i)).getExpression().get(0).getValue()).isEqualTo(
          "Bundle.entry[" + i + "]");
    }
    assertThat(server.changesSince(before)).as("only the sound entry wrote").hasSize(1);
  }

  @Test
  void aPatchEntryWhoseResourceIsNoPatchFailsAloneAndChangesNothing() {
    String id = client.create().resource(patient("Unpatched")).execute().getId().getIdPart();
    Binary empty = new Binary().setContentType("application/json-patch+json");
    Binary text = new Binary().setContentType("text/plain");
    text.setData("replace the family".getBytes(StandardCharsets.UTF_8));
    Bundle batch = new Bundle().setType(BundleType.BATCH);
    add(batch, null, empty, HTTPVerb.PATCH, "Patient/" + id);
    add(batch, null, text, HTTPVerb.PATCH, "Patient/" + id);
    add(batch, null, patient("Whole"), HTTPVerb.PATCH, "Patient/" + id);

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getEntry()).allSatisfy(entry -> {
      assertThat(entry.getResponse().getStatus()).startsWith("4");
      assertThat(issue(entry).getDiagnostics()).isNotBlank();
    });
    assertThat(issue(response.getEntry().get(0)).getDiagnostics()).contains("needs a body");
    assertThat(issue(response.getEntry().get(2)).getDiagnostics()).contains("not a Patient");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void aTransactionWithAnEntryOnAnotherServerIsRefusedWholeAndWritesNothing() {
    String family = "Kept" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    add(transaction, "urn:uuid:2f7b1c1e-6a59-4c3e-9a43-5e3c0a1d9b11", patient(family), HTTPVerb.POST, "Patient");
    add(transaction, null, patient("Elsewhere"), HTTPVerb.PUT, "https://elsewhere.example/fhir/Patient/p1");
    long before = server.lastChange();

    assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
          assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("not on this server");
          assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Bundle.entry[1]");
        });
    assertThat(server.changesSince(before)).isEmpty();
    assertThat(client.search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
        .returnBundle(Bundle.class).execute().getEntry()).isEmpty();
  }

  private static OperationOutcomeIssueComponent issue(BundleEntryComponent entry) {
    return ((OperationOutcome) entry.getResponse().getOutcome()).getIssueFirstRep();
  }
}
