package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The searchset Bundle as a client reads it: matches, includes and the outcome of what the search ignored. */
class SearchsetTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void matchesAndIncludedResourcesAreEntriesWithTheirModesAndFullUrls() {
    String organization = client.create().resource(new Organization().setName(UUID.randomUUID().toString()))
        .execute().getId().getIdPart();
    String patient = client.create().resource(new Patient()
        .setManagingOrganization(new Reference("Organization/" + organization))).execute().getId().getIdPart();

    Bundle bundle = search("Patient?_id=" + patient + "&_include=Patient:organization&_total=accurate");

    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(bundle.getTotal()).as("the total counts matches only").isEqualTo(1);
    assertThat(bundle.getLink("self")).isNotNull();
    assertThat(bundle.getEntry()).hasSize(2);
    assertEntry(bundle.getEntry().get(0), "Patient", patient, SearchEntryMode.MATCH);
    assertEntry(bundle.getEntry().get(1), "Organization", organization, SearchEntryMode.INCLUDE);
  }

  @Test
  void anIgnoredParameterIsNamedInAnOutcomeEntryAndTheSearchGoesOn() {
    String patient = client.create().resource(new Patient()).execute().getId().getIdPart();

    Bundle bundle = search("Patient?_id=" + patient + "&no-such-parameter=1");

    assertThat(bundle.getEntry()).hasSize(2);
    assertEntry(bundle.getEntry().get(0), "Patient", patient, SearchEntryMode.MATCH);
    BundleEntryComponent last = bundle.getEntry().get(1);
    assertThat(last.getSearch().getMode()).isEqualTo(SearchEntryMode.OUTCOME);
    assertThat(last.getFullUrl()).startsWith("urn:uuid:");
    OperationOutcome outcome = (OperationOutcome) last.getResource();
    assertThat(outcome.getIssue()).singleElement().satisfies(issue -> {
      assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.WARNING);
      assertThat(issue.getCode()).isEqualTo(IssueType.NOTSUPPORTED);
      assertThat(issue.getDiagnostics()).contains("no-such-parameter").endsWith("It was ignored.");
    });
  }

  @Test
  void aSearchThatIgnoredNothingHasNoOutcomeEntry() {
    String patient = client.create().resource(new Patient()).execute().getId().getIdPart();

    Bundle bundle = search("Patient?_id=" + patient);

    assertThat(bundle.getEntry()).singleElement()
        .satisfies(entry -> assertEntry(entry, "Patient", patient, SearchEntryMode.MATCH));
  }

  @Test
  void anUnknownParameterUnderStrictHandlingIsRefusedWithAnOperationOutcome() {
    OperationOutcome outcome = server.http().refused(400, "GET", "/fhir/Patient?no-such-parameter=1", (byte[]) null,
        "Prefer", "handling=strict");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("no-such-parameter");
  }

  private Bundle search(String url) {
    return client.search().byUrl(url).returnBundle(Bundle.class).execute();
  }

  private void assertEntry(BundleEntryComponent entry, String type, String id, SearchEntryMode mode) {
    assertThat(entry.getFullUrl()).isEqualTo(server.baseUrl() + "/" + type + "/" + id);
    assertThat(entry.getSearch().getMode()).isEqualTo(mode);
    assertThat(entry.getResource().fhirType()).isEqualTo(type);
    assertThat(entry.getResource().getIdElement().getIdPart()).isEqualTo(id);
  }
}
