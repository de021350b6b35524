package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.FhirRequest;
import io.brazier.server.Http;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import io.brazier.server.ServerConfig;
import io.brazier.server.SyntheaSample;
import io.brazier.server.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class PatientEverythingTest {
  private static final String PATIENT = "aca6f94f-a0ce-f8cb-02c2-5323708e8ab5";
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void everythingPagesThroughThePatientItsCompartmentAndWhatTheyReferTo() {
    List<Resource> sample = SyntheaSample.resources();
    Set<String> expected = new HashSet<>();
    for (Resource resource : sample) {
      if (resource.fhirType().equals("Patient") ? resource.getIdPart().equals(PATIENT)
          : fhirJson(resource).contains("\"Patient/" + PATIENT + "\"")) {
        expected.add(resource.fhirType() + "/" + resource.getIdPart());
      }
    }

    Set<String> matched = new HashSet<>();
    Set<String> included = new HashSet<>();
    Bundle page = everything("_count=10");
    while (page != null) {
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        String id = entry.getResource().fhirType() + "/" + entry.getResource().getIdPart();
        (entry.getSearch().getMode() == SearchEntryMode.MATCH ? matched : included).add(id);
      }
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }

    assertThat(matched).isEqualTo(expected);
    assertThat(included).anyMatch(id -> id.startsWith("Practitioner/"));
    assertThat(included).anyMatch(id -> id.startsWith("Organization/"));
  }

  @Test
  void theIncludesThatDoNotFitAPageComeOnTheNextPagesBeforeTheNextMatches() {
    SyntheaSample.resources();
    List<String> matched = new ArrayList<>();
    List<String> included = new ArrayList<>();
    List<Integer> includedPerPage = pages(everything("_count=10"), matched, included);
    List<String> pagedMatches = new ArrayList<>();
    List<String> paged = new ArrayList<>();

    List<Integer> pagedPerPage = pages(everything("_count=10&_includesCount=1"), pagedMatches, paged);

    assertThat(includedPerPage).as("pages that include more than one").anyMatch(count -> count > 1);
    assertThat(pagedPerPage).allMatch(count -> count <= 1);
    assertThat(pagedMatches).containsExactlyElementsOf(matched);
    assertThat(paged).as("each page's includes once, none left out").containsExactlyInAnyOrderElementsOf(included);
  }

  /** Follows the next links from {@code page}, adding their matches and includes; how many each page includes. */
  private List<Integer> pages(Bundle page, List<String> matched, List<String> included) {
    List<Integer> includedPerPage = new ArrayList<>();
    for (Bundle at = page; at != null;
        at = at.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(at).execute()) {
      int before = included.size();
      for (Bundle.BundleEntryComponent entry : at.getEntry()) {
        String id = entry.getResource().fhirType() + "/" + entry.getResource().getIdPart();
        if (entry.getSearch().getMode() != SearchEntryMode.OUTCOME) {
          (entry.getSearch().getMode() == SearchEntryMode.MATCH ? matched : included).add(id);
        }
      }
      includedPerPage.add(included.size() - before);
    }
    return includedPerPage;
  }

  @Test
  void typeAndStartNarrowEverything() {
    SyntheaSample.resources();

    Bundle encounters = everything("_type=Encounter&start=2021-01-01&_count=1000");

    assertThat(encounters.getEntry()).filteredOn(e -> e.getSearch().getMode() == SearchEntryMode.MATCH)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getResource().fhirType()).isEqualTo("Encounter"))
        .allSatisfy(e -> assertThat(((org.hl7.fhir.r4.model.Encounter) e.getResource()).getPeriod().getEnd())
            .isAfterOrEqualTo("2021-01-01"));
  }

  @Test
  void aPostsParametersNarrowEverythingAsTheQueryDoesAndItsNextPagesKeepThem() {
    SyntheaSample.resources();
    Parameters parameters = new Parameters();
    parameters.addParameter("_type", "Encounter");
    parameters.addParameter("start", "2010-01-01");
    parameters.addParameter("_count", "2");

    Bundle first = client.operation().onInstance("Patient/" + PATIENT).named("$everything")
        .withParameters(parameters).returnResourceType(Bundle.class).execute();

    List<Resource> matches = new ArrayList<>();
    for (Bundle page = first; page != null;
        page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute()) {
      page.getEntry().stream().filter(e -> e.getSearch().getMode() == SearchEntryMode.MATCH)
          .forEach(e -> matches.add(e.getResource()));
    }
    assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();
    assertThat(matches).hasSizeGreaterThan(2)
        .allSatisfy(resource -> assertThat(resource.fhirType()).isEqualTo("Encounter"))
        .allSatisfy(resource -> assertThat(((org.hl7.fhir.r4.model.Encounter) resource).getPeriod().getEnd())
            .isAfterOrEqualTo("2010-01-01"));
  }

  @Test
  void everythingOfADeletedPatientIsGoneAndOfAnUnknownOneNotFound() {
    String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    client.delete().resourceById("Patient", id).execute();

    assertThatThrownBy(() -> client.operation().onInstance("Patient/" + id).named("$everything")
        .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> client.operation().onInstance("Patient/never-stored").named("$everything")
        .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void seeAlsoPatientsBringTheirCompartmentsOneLevelDeepAndOtherLinksAreIgnored() {
    String deeper = patientWithObservation(new Patient());
    String seeAlso = patientWithObservation(linked(new Patient(), LinkType.SEEALSO, deeper));
    String replaced = patientWithObservation(new Patient());
    String referred = patientWithObservation(new Patient());
    Patient patient = linked(linked(new Patient(), LinkType.SEEALSO, seeAlso), LinkType.SEEALSO, seeAlso);
    String id = patientWithObservation(linked(linked(patient, LinkType.REPLACES, replaced), LinkType.REFER, referred));

    List<String> matched = matches(client, id, "_count=2");
    List<String> all = entries(client, id);

    assertThat(matched).doesNotHaveDuplicates().containsExactlyInAnyOrder("Patient/" + id, "Patient/" + seeAlso,
        observationOf(id), observationOf(seeAlso));
    assertThat(all).as("patients of other links are not even included")
        .doesNotContain("Patient/" + deeper, "Patient/" + replaced, "Patient/" + referred);
  }

  @Test
  void aSeeAlsoPatientOutsideTheCallersReachIsNotFollowed() {
    String other = patientWithObservation(new Patient());
    String id = patientWithObservation(linked(new Patient(), LinkType.SEEALSO, other));

    try (TestServer isolated = TestServer.onSharedStore(ServerConfig.defaults(), List.of(new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        return request.withRestriction(Restriction.within("Patient", List.of(request.header("X-Patients").split(","))));
      }
    }))) {
      assertThat(matches(withPatients(isolated, id), id, "")).containsExactlyInAnyOrder("Patient/" + id,
          observationOf(id));
      assertThat(matches(withPatients(isolated, id + "," + other), id, "")).containsExactlyInAnyOrder(
          "Patient/" + id, observationOf(id), "Patient/" + other, observationOf(other));
    }
  }

  @Test
  void everythingOfAReplacedPatientWarnsToUseTheReplacingOne() {
    String replacing = patientWithObservation(new Patient());
    String id = patientWithObservation(linked(new Patient(), LinkType.REPLACEDBY, replacing));

    Bundle bundle = everything(client, id, "");

    assertThat(bundle.getEntry()).filteredOn(e -> e.getSearch().getMode() == SearchEntryMode.OUTCOME)
        .singleElement().satisfies(e -> assertThat(((OperationOutcome) e.getResource()).getIssueFirstRep())
            .satisfies(issue -> assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.WARNING))
            .satisfies(issue -> assertThat(issue.getDiagnostics()).contains("Patient/" + replacing + "/$everything")));
    assertThat(matches(client, id, "")).containsExactlyInAnyOrder("Patient/" + id, observationOf(id));
  }

  @Test
  void withStrictHandlingEverythingOfAReplacedPatientIsMovedToTheReplacingOnes() {
    String replacing = patientWithObservation(new Patient());
    String id = patientWithObservation(linked(new Patient(), LinkType.REPLACEDBY, replacing));

    Http.Response moved = TestServer.shared().http().get("/fhir/Patient/" + id + "/$everything?_type=Observation",
        "Prefer", "handling=strict");

    String replacingEverything = TestServer.shared().baseUrl() + "/Patient/" + replacing
        + "/$everything?_type=Observation";
    assertThat(moved.status()).isEqualTo(301);
    assertThat(moved.header("Location")).hasValue(replacingEverything);
    assertThat(moved.header("Content-Location")).hasValue(replacingEverything);
    assertThat(moved.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .contains(replacingEverything);
  }

  private String patientWithObservation(Patient patient) {
    String id = client.create().resource(patient.setActive(true)).execute().getId().getIdPart();
    client.create().resource(new Observation().setStatus(ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("weight of " + id)).setSubject(new Reference("Patient/" + id)))
        .execute();
    return id;
  }

  private static Patient linked(Patient patient, LinkType type, String other) {
    patient.addLink().setType(type).setOther(new Reference("Patient/" + other));
    return patient;
  }

  private String observationOf(String patient) {
    Bundle found = client.search().forResource(Observation.class).where(Observation.SUBJECT.hasId("Patient/" + patient))
        .returnBundle(Bundle.class).execute();
    return "Observation/" + found.getEntryFirstRep().getResource().getIdPart();
  }

  private static IGenericClient withPatients(TestServer server, String patients) {
    IGenericClient restricted = server.client();
    AdditionalRequestHeadersInterceptor header = new AdditionalRequestHeadersInterceptor();
    header.addHeaderValue("X-Patients", patients);
    restricted.registerInterceptor(header);
    return restricted;
  }

  /** The matches of every page of {@code patient}'s everything, in order. */
  private static List<String> matches(IGenericClient client, String patient, String query) {
    return entries(client, patient, query, SearchEntryMode.MATCH);
  }

  /** The matches and included resources of {@code patient}'s everything, in order. */
  private static List<String> entries(IGenericClient client, String patient) {
    List<String> entries = entries(client, patient, "_count=1000", SearchEntryMode.MATCH);
    entries.addAll(entries(client, patient, "_count=1000", SearchEntryMode.INCLUDE));
    return entries;
  }

  private static List<String> entries(IGenericClient client, String patient, String query, SearchEntryMode mode) {
    List<String> found = new ArrayList<>();
    for (Bundle page = everything(client, patient, query); page != null;
        page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute()) {
      page.getEntry().stream().filter(e -> e.getSearch().getMode() == mode)
          .forEach(e -> found.add(e.getResource().fhirType() + "/" + e.getResource().getIdPart()));
    }
    return found;
  }

  private static Bundle everything(IGenericClient client, String patient, String query) {
    return client.search().byUrl(client.getServerBase() + "/Patient/" + patient + "/$everything?" + query)
        .returnBundle(Bundle.class).execute();
  }

  private Bundle everything(String query) {
    return everything(client, PATIENT, query);
  }

  private static String fhirJson(Resource resource) {
    return TestServer.shared().fhir().jsonParser().encodeResourceToString(resource);
  }
}
