package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** {@code _contained} and {@code _containedType} through HTTP. https://hl7.org/fhir/R4/search.html#contained */
class SearchContainedTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String code = "c" + UUID.randomUUID().toString().substring(0, 8);
  private final String base = TestServer.shared().baseUrl();

  @Test
  void containedMedicationsAreFoundOnlyWhenAskedAndTheirContainersAreTheEntriesByDefault() {
    String request = client.create().resource(request(code)).execute().getId().getIdPart();
    String topLevel = client.create().resource(medication(code)).execute().getId().getIdPart();

    Bundle notContained = search("Medication?code=" + code);
    Bundle contained = search("Medication?_contained=true&code=" + code);
    Bundle both = search("Medication?_contained=both&code=http://example.org/drugs|" + code);
    Bundle explicitlyNot = search("Medication?_contained=false&_containedType=container&code=" + code);

    assertThat(ids(notContained)).containsExactly("Medication/" + topLevel);
    assertThat(ids(explicitlyNot)).containsExactly("Medication/" + topLevel);
    assertThat(ids(contained)).containsExactly("MedicationRequest/" + request);
    assertThat(contained.getTotal()).isEqualTo(1);
    assertThat(contained.getEntryFirstRep().getSearch().getMode()).isEqualTo(SearchEntryMode.MATCH);
    assertThat(ids(both)).containsExactlyInAnyOrder("Medication/" + topLevel, "MedicationRequest/" + request);
  }

  @Test
  void containedTypeContainedAnswersTheContainedResourcesAtTheirContainersUrlWithAFragment() {
    String request = client.create().resource(request(code)).execute().getId().getIdPart();
    String topLevel = client.create().resource(medication(code)).execute().getId().getIdPart();

    Bundle contained = search("Medication?_contained=true&_containedType=contained&code=" + code);

    assertThat(contained.getEntry()).singleElement().satisfies(entry -> {
      assertThat(entry.getFullUrl()).isEqualTo(base + "/MedicationRequest/" + request + "#med");
      assertThat(entry.getSearch().getMode()).isEqualTo(SearchEntryMode.MATCH);
      assertThat(entry.getResource()).isInstanceOfSatisfying(Medication.class,
          medication -> assertThat(medication.getCode().getCodingFirstRep().getCode()).isEqualTo(code));
    });
    assertThat(contained.getEntry()).extracting(BundleEntryComponent::getFullUrl)
        .doesNotContain(base + "/Medication/" + topLevel);
  }

  @Test
  void theCriterionAppliesToTheContainedResources() {
    String patient = client.create().resource(patient(code, "Acme " + code)).execute().getId().getIdPart();
    client.create().resource(patient(code, "Other " + code)).execute();

    Bundle byName = search("Organization?_contained=true&name=acme%20" + code);
    Bundle byIdentifier = search("Organization?_contained=true&identifier=" + code);
    Bundle noMatch = search("Organization?_contained=true&name:exact=Nobody%20" + code);

    assertThat(ids(byName)).containsExactly("Patient/" + patient);
    assertThat(ids(byIdentifier)).hasSize(2);
    assertThat(ids(noMatch)).isEmpty();
  }

  @Test
  void countsPagesAndSortsWorkOverContainers() {
    for (int i = 0; i < 3; i++) {
      client.create().resource(patient(code, "Org " + i)).execute();
    }

    Bundle count = search("Organization?_contained=true&identifier=" + code + "&_summary=count");
    Bundle zero = search("Organization?_contained=true&identifier=" + code + "&_count=0");
    Bundle first = search("Organization?_contained=true&_containedType=contained&identifier=" + code
        + "&_sort=-name&_count=2");
    Bundle second = client.loadPage().next(first).execute();

    assertThat(count.getTotal()).isEqualTo(3);
    assertThat(zero.getTotal()).isEqualTo(3);
    assertThat(first.getTotal()).isEqualTo(3);
    assertThat(names(first)).containsExactly("Org 2", "Org 1");
    assertThat(names(second)).containsExactly("Org 0");
  }

  @Test
  void badValuesAndWhatContainedSearchDoesNotSupportAre400s() {
    assertBad("Medication?_contained=maybe", "_contained 'maybe' is not true, false or both");
    assertBad("Medication?_contained=true&_containedType=inside", "_containedType 'inside'");
    assertBad("Medication?_containedType=contained", "needs _contained=true or both");
    assertBad("Medication?_contained=true&_contained=false", "_contained is given 2 times");
    assertBad("Medication?_contained=true&_include=Medication:manufacturer", "_include");
    assertBad("Medication?_contained=true&_sort=_lastUpdated", "_sort=_lastUpdated");
    assertBad("Medication?_contained=both&_sort=code", "_sort=code and _contained=both");
    assertBad("Medication?_contained=true&_lastUpdated=gt2020", "_lastUpdated");
    // Contained resources share their container's index rows: which one met what cannot be told apart.
    assertBad("Organization?_contained=true&_id=org&identifier=x", "more than one search parameter");
    assertBad("Organization?_contained=true&identifier:not=x", "a negation");
    assertBad("Organization?_contained=true&name:missing=true", "a negation");
    assertBad("Medication?_contained=both&_containedType=contained&code=x", "_containedType=contained");
    assertBad("Medication?_contained=true&manufacturer.name=acme", "the chain manufacturer");
    assertBad("Medication?_contained=true&_has:MedicationRequest:medication:status=active", "_has");
    assertBad("Medication?_contained=true&_content=aspirin", "_content");
    assertBad(base + "?_contained=true&_tag=x", "a search of every type");
    assertBad(base + "/Patient/1/MedicationRequest?_contained=true", "a compartment search");
  }

  private void assertBad(String query, String message) {
    assertThatThrownBy(() -> search(query)).as(query)
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(
            ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics()).contains(message));
  }

  private Bundle search(String query) {
    return client.search().byUrl(query).returnBundle(Bundle.class).execute();
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .toList();
  }

  private static List<String> names(Bundle bundle) {
    return bundle.getEntry().stream().map(e -> ((Organization) e.getResource()).getName()).toList();
  }

  static Medication medication(String code) {
    Medication medication = new Medication();
    medication.getCode().addCoding().setSystem("http://example.org/drugs").setCode(code);
    return medication;
  }

  private static MedicationRequest request(String code) {
    Medication medication = medication(code);
    medication.setId("med");
    MedicationRequest request = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
        .setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setMedication(new Reference("#med"))
        .setSubject(new Reference().setDisplay("someone"));
    request.addContained(medication);
    return request;
  }

  private static Patient patient(String code, String organization) {
    Organization org = new Organization().setName(organization);
    org.setId("org");
    org.addIdentifier().setSystem("http://example.org/orgs").setValue(code);
    Patient patient = new Patient().setManagingOrganization(new Reference("#org"));
    patient.addName().setFamily("Contained");
    patient.addContained(org);
    return patient;
  }
}
