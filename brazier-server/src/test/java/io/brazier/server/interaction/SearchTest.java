package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class SearchTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String tag = UUID.randomUUID().toString();

  private String create(org.hl7.fhir.r4.model.Resource resource) {
    resource.getMeta().addTag("http://brazier.test/tag", tag, null);
    return client.create().resource(resource).execute().getId().getIdPart();
  }

  private Bundle search(String query) {
    return client.search().byUrl(query + "&_tag=http://brazier.test/tag|" + tag).returnBundle(Bundle.class)
        .execute();
  }

  @Test
  void walkingTheNextLinksReturnsEveryMatchOnceEvenWhileResourcesAreWritten() {
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 45; i++) {
      created.add(create(SearchTypeTest.patient("Walk", "W" + i)));
    }

    Bundle page = search("Patient?family=walk&_count=10");
    List<String> walked = new ArrayList<>();
    int pages = 0;
    while (page != null) {
      page.getEntry().forEach(entry -> walked.add(entry.getResource().getIdElement().getIdPart()));
      create(SearchTypeTest.patient("Walk", "Late" + pages));
      created.stream().filter(id -> !walked.contains(id)).findFirst()
          .ifPresent(id -> client.delete().resourceById("Patient", id).execute());
      pages++;
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }

    assertThat(pages).isEqualTo(5);
    assertThat(walked).hasSize(45).doesNotHaveDuplicates();
    assertThat(new HashSet<>(walked)).isEqualTo(created);
  }

  @Test
  void aPageLinksToTheFirstPreviousNextAndLastPages() {
    for (int i = 0; i < 7; i++) {
      create(SearchTypeTest.patient("Linked", "L" + i));
    }

    Bundle first = search("Patient?family=linked&_count=3");
    Bundle second = client.loadPage().next(first).execute();
    Bundle last = client.loadPage().byUrl(first.getLink("last").getUrl()).andReturnBundle(Bundle.class).execute();

    assertThat(first.getTotal()).isEqualTo(7);
    assertThat(first.getLink("previous")).isNull();
    assertThat(second.getLink("previous")).isNotNull();
    assertThat(last.getEntry()).hasSize(1);
    assertThat(last.getLink(Bundle.LINK_NEXT)).isNull();
    assertThat(first.getLink(Bundle.LINK_SELF).getUrl()).contains("family=linked");
  }

  @Test
  void includeAddsTheReferencedResourcesAndRevincludeTheReferringOnes() {
    String org = create(new Organization().setName("Included Org"));
    Patient patient = SearchTypeTest.patient("Incl", "A");
    patient.setManagingOrganization(new Reference("Organization/" + org));
    String p = create(patient);
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + p));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("1");
    String o = create(observation);

    Bundle found = search("Patient?family=incl&_include=Patient:organization&_revinclude=Observation:subject");
    Bundle iterated = search("Observation?_id=" + o + "&_include=Observation:subject"
        + "&_include:iterate=Patient:organization");

    assertThat(modes(found)).containsExactlyInAnyOrder("match Patient/" + p, "include Organization/" + org,
        "include Observation/" + o);
    assertThat(modes(iterated)).containsExactlyInAnyOrder("match Observation/" + o, "include Patient/" + p,
        "include Organization/" + org);
  }

  private static List<String> modes(Bundle bundle) {
    return bundle.getEntry().stream().map(e -> e.getSearch().getMode().toCode() + " "
        + e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
  }

  @Test
  void anUnknownParameterIsIgnoredLeftOutOfTheSelfLinkAndNamedInAnOutcomeEntry() {
    create(SearchTypeTest.patient("Lenient", "A"));

    Bundle found = search("Patient?family=lenient&bogus=1");

    BundleEntryComponent outcome = found.getEntry().stream()
        .filter(e -> e.getSearch().getMode() == SearchEntryMode.OUTCOME).findFirst().orElseThrow();
    assertThat(((OperationOutcome) outcome.getResource()).getIssueFirstRep().getDiagnostics()).contains("bogus");
    assertThat(found.getLink(Bundle.LINK_SELF).getUrl()).doesNotContain("bogus");
    assertThat(found.getTotal()).isEqualTo(1);
  }

  @Test
  void strictHandlingMakesAnUnknownParameterA400() {
    assertThatThrownBy(() -> client.search().byUrl("Patient?bogus=1").withAdditionalHeader("Prefer",
        "handling=strict").returnBundle(Bundle.class).execute())
        .isInstanceOfSatisfying(InvalidRequestException.class,
            e -> assertThat(e.getOperationOutcome()).isNotNull());
  }

  @Test
  void aSearchValueWithAControlCharacterIsABadRequestNamingTheParameter() {
    Http http = TestServer.shared().http();

    OperationOutcome nul = http.refused(400, "GET", "/fhir/Patient?family=a%00b", (byte[]) null);
    OperationOutcome escape = http.refused(400, "GET", "/fhir/Observation?code=http://loinc.org%7C%1b", (byte[]) null);
    OperationOutcome chained = http.refused(400, "POST", "/fhir/Observation/_search", "subject:Patient.name=%07",
        "Content-Type", "application/x-www-form-urlencoded");

    assertThat(nul.getIssueFirstRep().getDiagnostics()).contains("family").contains("U+0000");
    assertThat(escape.getIssueFirstRep().getDiagnostics()).contains("code").contains("U+001B");
    assertThat(chained.getIssueFirstRep().getDiagnostics()).contains("name").contains("U+0007");
  }

  @Test
  void summaryCountAnswersTheTotalAlone() {
    create(SearchTypeTest.patient("Counted", "A"));
    create(SearchTypeTest.patient("Counted", "B"));

    Bundle counted = client.search().byUrl("Patient?family=counted&_tag=http://brazier.test/tag|" + tag)
        .summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class).execute();

    assertThat(counted.getTotal()).isEqualTo(2);
    assertThat(counted.getEntry()).isEmpty();
  }

  @Test
  void totalNoneLeavesTheTotalOutAndElementsKeepsOnlyTheNamedElements() {
    Patient patient = SearchTypeTest.patient("Elements", "A");
    patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    create(patient);

    Bundle none = search("Patient?family=elements&_total=none");
    Bundle elements = search("Patient?family=elements&_elements=gender");

    assertThat(none.hasTotal()).isFalse();
    Patient subset = (Patient) elements.getEntryFirstRep().getResource();
    assertThat(subset.hasGender()).isTrue();
    assertThat(subset.hasName()).isFalse();
  }

  @Test
  void postToSearchTakesTheParametersFromAForm() {
    String p = create(SearchTypeTest.patient("Posted", "A"));

    Bundle found = client.search().forResource(Patient.class)
        .where(Patient.FAMILY.matches().value("posted"))
        .and(new ca.uhn.fhir.rest.gclient.TokenClientParam("_tag").exactly().systemAndCode(
            "http://brazier.test/tag", tag))
        .usingStyle(ca.uhn.fhir.rest.api.SearchStyleEnum.POST).returnBundle(Bundle.class).execute();

    assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(p);
  }

  @Test
  void aSearchAnswersInXmlWhenAskedAndThenParsesItsStoredEntries() {
    String p = create(SearchTypeTest.patient("Xml", "A"));

    Bundle found = client.search().byUrl("Patient?family=xml&_tag=http://brazier.test/tag|" + tag)
        .encodedXml().returnBundle(Bundle.class).execute();

    assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(p);
    assertThat(((Patient) found.getEntryFirstRep().getResource()).getNameFirstRep().getFamily()).isEqualTo("Xml");
  }

  @Test
  void aCountAboveTheMaximumIsLoweredAndTheOutcomeSaysSo() {
    create(SearchTypeTest.patient("Capped", "A"));

    Bundle found = search("Patient?family=capped&_count=5000");

    assertThat(found.getEntry()).anySatisfy(e -> assertThat(e.getSearch().getMode())
        .isEqualTo(SearchEntryMode.OUTCOME));
  }
}
