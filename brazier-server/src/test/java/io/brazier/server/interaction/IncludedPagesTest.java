package io.brazier.server.interaction;

import static io.brazier.server.interaction.SearchIncludesTest.included;
import static io.brazier.server.interaction.SearchIncludesTest.matches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleLinkComponent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * $includes: following a searchset's {@code related} link, then each page's {@code next}, serves the included
 * resources that did not fit in the searchset, each once and none left out, and only those.
 */
class IncludedPagesTest {
  private static TestServer server;
  private final IGenericClient client = server.client();
  private final String code = UUID.randomUUID().toString();

  @BeforeAll
  static void start() {
    server = TestServer.onSharedStore(ServerConfig.defaults(), List.of(new PatientHeader()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theRelatedLinkAndItsNextLinksServeEveryIncludedResourceOnceForEachPageOfMatches() {
    for (int k = 0; k < 4; k++) {
      Observation observation = observation(create(new Patient()));
      observation.addPerformer(new Reference(create(new Practitioner())));
      String id = create(observation);
      create(new Provenance().addTarget(new Reference(id)).setRecorded(new Date())
          .addAgent(new Provenance.ProvenanceAgentComponent().setWho(new Reference(create(new Practitioner())))));
    }
    String query = "Observation?code=" + code + "&_include=Observation:subject&_include=Observation:performer"
        + "&_revinclude=Provenance:target&_count=2";

    List<String> matchPages = new ArrayList<>();
    List<String> allAtOnce = new ArrayList<>();
    for (Bundle page = search(client, query); page != null; page = next(page)) {
      matchPages.addAll(matches(page));
      allAtOnce.addAll(included(page));
    }
    List<String> pagedMatches = new ArrayList<>();
    List<String> paged = new ArrayList<>();
    for (Bundle page = search(client, query + "&_includesCount=2"); page != null; page = next(page)) {
      pagedMatches.addAll(matches(page));
      assertThat(included(page)).hasSize(2);
      paged.addAll(included(page));
      paged.addAll(rest(client, page));
    }

    assertThat(allAtOnce).hasSize(12);
    assertThat(pagedMatches).as("the matches are paged as without the cut").isEqualTo(matchPages);
    assertThat(paged).as("each once, none left out").containsExactlyInAnyOrderElementsOf(allAtOnce);
  }

  @Test
  void aSystemSearchLinksTheIncludesOperationOfTheServer() {
    List<String> patients = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      patients.add(create(new Patient()));
      create(observation(patients.get(k)));
    }

    Bundle found = client.search().byUrl(server.baseUrl() + "?_type=Observation&code=urn:test|" + code
        + "&_include=Observation:subject&_includesCount=1").returnBundle(Bundle.class).execute();
    List<String> served = new ArrayList<>(included(found));
    served.addAll(rest(client, found));

    assertThat(found.getLink("related").getUrl()).startsWith(server.baseUrl() + "/$includes?");
    assertThat(served).containsExactlyInAnyOrderElementsOf(patients);
  }

  @Test
  void aCompartmentSearchLinksTheIncludesOfThatCompartmentSearch() {
    String patient = create(new Patient());
    List<String> performers = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      performers.add(create(new Practitioner()));
      create(observation(patient).addPerformer(new Reference(performers.get(k))));
    }
    create(observation(create(new Patient())).addPerformer(new Reference(create(new Practitioner()))));
    String compartment = server.baseUrl() + "/" + patient + "/Observation?code=urn:test|" + code;

    List<String> served = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    Bundle first = search(client, compartment + "&_include=Observation:performer&_includesCount=1&_count=2");
    for (Bundle page = first; page != null; page = next(page)) {
      matched.addAll(matches(page));
      served.addAll(included(page));
      served.addAll(rest(client, page));
    }

    assertThat(first.getLink("related").getUrl()).startsWith(server.baseUrl() + "/" + patient
        + "/Observation/$includes?");
    assertThat(matched).hasSize(4);
    assertThat(served).as("each once, none left out, none of another compartment")
        .containsExactlyInAnyOrderElementsOf(performers);
  }

  @Test
  void aSearchOfAWholeCompartmentLinksTheIncludesOfThatSearch() {
    String patient = create(new Patient());
    List<String> performers = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      performers.add(create(new Practitioner()));
      create(observation(patient).addPerformer(new Reference(performers.get(k))));
    }

    Bundle found = search(client, server.baseUrl() + "/" + patient
        + "/*?_include=Observation:performer&_includesCount=1");
    List<String> served = new ArrayList<>(included(found));
    served.addAll(rest(client, found));

    assertThat(found.getLink("related").getUrl()).startsWith(server.baseUrl() + "/" + patient + "/*/$includes?");
    assertThat(served).containsExactlyInAnyOrderElementsOf(performers);
  }

  @Test
  void aRestrictedCallerIsServedOnlyTheIncludedResourcesItMayRead() {
    String alice = create(new Patient());
    String bob = create(new Patient());
    String practitioner =
        create(new Practitioner().addIdentifier(new Identifier().setSystem("urn:test").setValue(code)));
    List<String> alicesOwn = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      alicesOwn.add(create(observation(alice).addPerformer(new Reference(practitioner))));
      create(observation(bob).addPerformer(new Reference(practitioner)));
    }
    IGenericClient asAlice = server.client();
    AdditionalRequestHeadersInterceptor header = new AdditionalRequestHeadersInterceptor();
    header.addHeaderValue(PatientHeader.NAME, alice.substring("Patient/".length()));
    asAlice.registerInterceptor(header);

    Bundle found = search(asAlice, "Practitioner?identifier=urn:test|" + code
        + "&_revinclude=Observation:performer&_includesCount=1");
    List<String> served = new ArrayList<>(included(found));
    served.addAll(rest(asAlice, found));

    assertThat(matches(found)).containsExactly(practitioner);
    assertThat(served).containsExactlyInAnyOrderElementsOf(alicesOwn);
  }

  @Test
  void anIncludesCtThatIsNotWhereIncludesStoppedIsABadRequest() {
    assertThatThrownBy(() -> load("Observation/$includes?_include=Observation:subject&includesCt=x"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
    assertThatThrownBy(() -> load("Observation/$includes?_include=Observation:subject"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("includesCt");
  }

  @Test
  void includesFoundThroughIterateAreNotPaged() {
    assertThatThrownBy(() -> load("Observation/$includes?_include:iterate=Observation:subject&includesCt=1"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining(":iterate");
  }

  /** The included resources the related link of {@code page} and the next links after it serve. */
  private static List<String> rest(IGenericClient client, Bundle page) {
    List<String> served = new ArrayList<>();
    BundleLinkComponent link = page.getLink("related");
    while (link != null) {
      Bundle more = client.loadPage().byUrl(link.getUrl()).andReturnBundle(Bundle.class).execute();
      assertThat(matches(more)).as("only included resources").isEmpty();
      served.addAll(included(more));
      link = more.getLink("next");
    }
    return served;
  }

  private Bundle load(String path) {
    return client.loadPage().byUrl(server.baseUrl() + "/" + path).andReturnBundle(Bundle.class).execute();
  }

  private Bundle next(Bundle page) {
    BundleLinkComponent next = page.getLink("next");
    return next == null ? null : client.loadPage().byUrl(next.getUrl()).andReturnBundle(Bundle.class).execute();
  }

  private Observation observation(String subject) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("urn:test").setCode(code);
    observation.setSubject(new Reference(subject));
    return observation;
  }

  private String create(Resource resource) {
    return client.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
  }

  private static Bundle search(IGenericClient client, String query) {
    return client.search().byUrl(query).returnBundle(Bundle.class).execute();
  }
}
