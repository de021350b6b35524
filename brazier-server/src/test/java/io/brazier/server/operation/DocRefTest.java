package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class DocRefTest {
  private static final String LOINC = "http://loinc.org";
  private static final String CCD = "34133-9";
  private static final String DISCHARGE = "18842-5";
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void startAndEndKeepTheDocumentsWhoseCarePeriodOverlapsThem() {
    String patient = patient();
    String old = document(patient, CCD, "2019-03-01", "2019-03-02");
    String spanning = document(patient, DISCHARGE, "2020-12-20", "2021-01-10");
    String recent = document(patient, CCD, "2023-05-01", "2023-05-03");
    document(patient(), CCD, "2021-01-01", "2021-01-02");

    assertThat(docref(client, "patient=" + patient + "&start=2021-01-01&end=2022-12-31"))
        .containsExactly("DocumentReference/" + spanning);
    assertThat(docref(client, "patient=" + patient + "&start=2021-01-01"))
        .containsExactlyInAnyOrder("DocumentReference/" + spanning, "DocumentReference/" + recent);
    assertThat(docref(client, "patient=" + patient + "&end=2021-01-01"))
        .containsExactlyInAnyOrder("DocumentReference/" + old, "DocumentReference/" + spanning);
    assertThat(docref(client, "patient=" + patient + "&start=2019-01-01&type=" + LOINC + "|" + CCD))
        .containsExactlyInAnyOrder("DocumentReference/" + old, "DocumentReference/" + recent);
  }

  @Test
  void withoutDatesOnlyTheMostCurrentDocumentIsInScope() {
    String patient = patient();
    String recent = document(patient, CCD, "2023-05-01", "2023-05-03");
    document(patient, CCD, "2019-03-01", "2019-03-02");
    String discharge = document(patient, DISCHARGE, "2022-01-01", "2022-01-05");
    document(patient, DISCHARGE, "2020-01-01", "2020-01-05");

    assertThat(docref(client, "patient=" + patient)).containsExactly("DocumentReference/" + recent);
    assertThat(docref(client, "patient=" + patient + "&type=" + LOINC + "|" + DISCHARGE))
        .containsExactly("DocumentReference/" + discharge);
    assertThat(docref(client, "patient=" + patient())).isEmpty();
  }

  @Test
  void aParametersBodyTakesTheTypeAsACoding() {
    String patient = patient();
    document(patient, CCD, "2021-03-01", "2021-03-02");
    String discharge = document(patient, DISCHARGE, "2021-04-01", "2021-04-02");
    Parameters parameters = new Parameters();
    parameters.addParameter("patient", new StringType(patient));
    parameters.addParameter("start", new DateTimeType("2021-01-01T00:00:00Z"));
    parameters.addParameter().setName("type").setValue(new Coding(LOINC, DISCHARGE, null));

    Bundle bundle = client.operation().onType(DocumentReference.class).named("$docref")
        .withParameters(parameters).returnResourceType(Bundle.class).execute();

    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(matches(bundle)).containsExactly("DocumentReference/" + discharge);
  }

  @Test
  void aMissingPatientOrABadDateIsABadRequest() {
    assertThatThrownBy(() -> docref(client, "start=2021-01-01")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("patient");
    assertThatThrownBy(() -> docref(client, "patient=" + patient() + "&start=yesterday"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("start");
    assertThatThrownBy(() -> docref(client, "patient=" + patient() + "&on-demand=maybe"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("on-demand");
  }

  @Test
  void onDemandDocumentsAreNotGeneratedAndTheOutcomeSaysSo() {
    String patient = patient();
    document(patient, CCD, "2021-03-01", "2021-03-02");

    Bundle bundle = get(client, "patient=" + patient + "&on-demand=true");

    assertThat(matches(bundle)).isEmpty();
    assertThat(bundle.getEntry()).filteredOn(e -> e.getSearch().getMode() == SearchEntryMode.OUTCOME)
        .singleElement().satisfies(e -> assertThat(((OperationOutcome) e.getResource()).getIssueFirstRep())
            .satisfies(issue -> assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.WARNING))
            .satisfies(issue -> assertThat(issue.getDiagnostics()).contains("on demand")));
    assertThat(docref(client, "patient=" + patient + "&on-demand=false")).hasSize(1);
  }

  @Test
  void aRestrictedCallerFindsItsOwnPatientsDocumentsAndNoOtherPatient() {
    String own = patient();
    String document = document(own, CCD, "2021-03-01", "2021-03-02");
    String other = patient();
    document(other, CCD, "2021-03-01", "2021-03-02");

    try (TestServer isolated = TestServer.onSharedStore(ServerConfig.defaults(), List.of(new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        return request.withRestriction(Restriction.within("Patient", List.of(own)));
      }
    }))) {
      IGenericClient restricted = isolated.client();
      assertThat(docref(restricted, "patient=" + own)).containsExactly("DocumentReference/" + document);
      assertThatThrownBy(() -> docref(restricted, "patient=" + other))
          .isInstanceOf(ResourceNotFoundException.class);
    }
  }

  @Test
  void theCapabilityStatementListsDocRefOnDocumentReference() {
    CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(capabilities.getRestFirstRep().getResource()).filteredOn(r -> r.getType().equals("DocumentReference"))
        .singleElement().satisfies(r -> assertThat(r.getOperation())
            .anySatisfy(op -> assertThat(op.getDefinition())
                .isEqualTo("http://hl7.org/fhir/us/core/OperationDefinition/docref")));
  }

  private String patient() {
    return client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
  }

  private String document(String patient, String type, String start, String end) {
    DocumentReference document = new DocumentReference().setStatus(DocumentReferenceStatus.CURRENT)
        .setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding(LOINC, type, null)))
        .setSubject(new Reference("Patient/" + patient));
    document.getContext().setPeriod(new Period().setStartElement(new DateTimeType(start))
        .setEndElement(new DateTimeType(end)));
    document.addContent().getAttachment().setContentType("text/plain").setUrl("Binary/" + type);
    IdType id = (IdType) client.create().resource(document).execute().getId();
    return id.getIdPart();
  }

  /** The matches of every page of a {@code GET DocumentReference/$docref?query}. */
  private static List<String> docref(IGenericClient client, String query) {
    List<String> found = new java.util.ArrayList<>();
    for (Bundle page = get(client, query + "&_count=1"); page != null;
        page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute()) {
      found.addAll(matches(page));
    }
    return found;
  }

  private static Bundle get(IGenericClient client, String query) {
    return client.search().byUrl(client.getServerBase() + "/DocumentReference/$docref?" + query)
        .returnBundle(Bundle.class).execute();
  }

  private static List<String> matches(Bundle bundle) {
    return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == SearchEntryMode.MATCH)
        .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdPart()).toList();
  }
}
