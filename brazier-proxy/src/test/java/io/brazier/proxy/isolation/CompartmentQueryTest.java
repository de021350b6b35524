package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.client.Jackson;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Searches narrowed to a caller's patients as a real upstream (the test JVM's Brazier, whose CapabilityStatement
 * lists the Patient compartment and its search parameters) supports them.
 */
class CompartmentQueryTest {
  private static final CompartmentQuery QUERY = new CompartmentQuery(
      new FhirSearch(TestServer.shared().fhir()).compartments(), new UpstreamCapabilities(new Lookup(
          new HttpFhirClient(URI.create(TestServer.shared().baseUrl()), Optional.empty(), Duration.ofSeconds(30)),
          TestServer.shared().baseUrl())));

  @Test
  void onePatientsSearchBecomesASearchOfItsCompartment() {
    Restriction restriction = Restriction.within("Patient", Set.of("p1"));

    FhirRequest narrowed = QUERY.narrowed(search("Observation", Map.of("code", List.of("8867-4"))), restriction);

    assertThat(narrowed.segments()).containsExactly("Patient", "p1", "Observation");
    assertThat(narrowed.interaction()).isEqualTo(FhirInteraction.SEARCH_COMPARTMENT);
    assertThat(narrowed.query()).isEqualTo(Map.of("code", List.of("8867-4")));
    assertThat(QUERY.isExact(narrowed, restriction)).isTrue();
  }

  @Test
  void theLinksOfASearchSentAsTheCompartmentSearchAreLinksOfTheSearchAskedThatNarrowAlike() throws Exception {
    Restriction restriction = Restriction.within("Patient", Set.of("p1"));
    FhirRequest asked = search("Observation", Map.of("code", List.of("x")));
    String upstream = "http://up.example/fhir";
    ObjectNode page = (ObjectNode) Jackson.MAPPER.readTree("{\"link\":["
        + "{\"relation\":\"next\",\"url\":\"" + upstream + "/Patient/p1/Observation?code=x&ct=1\"},"
        + "{\"relation\":\"related\",\"url\":\"" + upstream
        + "/Patient/p1/Observation/$includes?code=x&includesCt=2\"},"
        + "{\"relation\":\"other\",\"url\":\"http://elsewhere.example/Patient/p1/Observation\"}]}");

    QUERY.linkedAsAsked(asked, QUERY.narrowed(asked, restriction), page, List.of(upstream, asked.baseUrl()));
    FhirRequest includes = QUERY.narrowed(new FhirRequest("GET", List.of("Observation", "$includes"),
        Map.of("includesCt", List.of("2")), name -> null, null, "http://proxy.example/fhir")
        .routed(FhirInteraction.OPERATION, "$includes"), restriction);

    assertThat(page.findValuesAsText("url")).containsExactly(upstream + "/Observation?code=x&ct=1",
        upstream + "/Observation/$includes?code=x&includesCt=2", "http://elsewhere.example/Patient/p1/Observation");
    assertThat(includes.segments()).containsExactly("Patient", "p1", "Observation", "$includes");
    assertThat(includes.query()).isEqualTo(Map.of("includesCt", List.of("2")));
    ObjectNode unchanged = page.deepCopy();
    QUERY.linkedAsAsked(asked, asked, page, List.of(upstream));
    assertThat(page).as("a search sent as it was asked keeps its links").isEqualTo(unchanged);
  }

  @Test
  void severalPatientsAreNamedByAParameterThatMakesTheTypeAMember() {
    Restriction restriction = Restriction.within("Patient", Set.of("p2", "p1"));

    FhirRequest narrowed = QUERY.narrowed(search("Encounter", Map.of()), restriction);
    FhirRequest again = QUERY.narrowed(search("Encounter", narrowed.query()), restriction);

    assertThat(narrowed.segments()).containsExactly("Encounter");
    assertThat(narrowed.query()).isEqualTo(Map.of("patient", List.of("Patient/p1,Patient/p2")));
    assertThat(again.query()).as("a next link is not narrowed twice").isEqualTo(narrowed.query());
    assertThat(QUERY.isExact(narrowed, restriction)).isTrue();
    assertThat(QUERY.isExact(narrowed, restriction.and(Restriction.outside("Patient", Set.of("p3")))))
        .as("an opt-out still leaves entries out").isFalse();
  }

  @Test
  void patientsAreNarrowedByTheirIds() {
    FhirRequest narrowed = QUERY.narrowed(search("Patient", Map.of("family", List.of("Chalmers"))),
        Restriction.within("Patient", Set.of("p1")));

    assertThat(narrowed.query()).isEqualTo(Map.of("family", List.of("Chalmers"), "_id", List.of("p1")));
  }

  @Test
  void anotherPatientsCompartmentIsSearchedOnlyWhereItMeetsTheCallersOwn() {
    Restriction restriction = Restriction.within("Patient", Set.of("p1"));
    FhirRequest others = compartmentSearch("p3", "Condition", Map.of("code", List.of("B20")));

    FhirRequest narrowed = QUERY.narrowed(others, restriction);

    assertThat(narrowed.segments()).containsExactly("Patient", "p3", "Condition");
    assertThat(narrowed.query()).as("what the upstream matches, the caller may see: nothing is left out to count")
        .isEqualTo(Map.of("code", List.of("B20"), "patient", List.of("Patient/p1")));
    assertThat(QUERY.isExact(narrowed, restriction)).isTrue();
    assertThat(QUERY.isExact(others, restriction)).isFalse();
    FhirRequest own = compartmentSearch("p1", "Condition", Map.of());
    assertThat(QUERY.narrowed(own, restriction)).isSameAs(own);
    assertThat(QUERY.isExact(own, restriction)).isTrue();
  }

  @Test
  void searchesOfTypesWithoutMembersOrWithOnlyOptOutsAreLeftAsTheyAre() {
    FhirRequest practitioners = search("Practitioner", Map.of());
    FhirRequest observations = search("Observation", Map.of());
    Restriction optOut = Restriction.outside("Patient", Set.of("p1"));

    assertThat(QUERY.narrowed(practitioners, Restriction.within("Patient", Set.of("p1")))).isSameAs(practitioners);
    assertThat(QUERY.narrowed(observations, optOut)).isSameAs(observations);
    assertThat(QUERY.isExact(observations, optOut)).isFalse();
  }

  @Test
  void searchesThatCanFindOnlyPatientsWhoOptedOutAreKnownAsSuch() {
    Restriction optOut = Restriction.outside("Patient", Set.of("p1"));

    for (FhirRequest outside : List.of(compartmentSearch("p1", "Observation", Map.of()),
        compartmentSearch("p1", "*", Map.of()), search("Observation", Map.of("patient", List.of("p1"))),
        search("Observation", Map.of("subject", List.of("http://up.example/fhir/Patient/p1,Patient/p1"))),
        search("Observation", Map.of("subject:Patient", List.of("p1"), "code", List.of("B20"))),
        search("Patient", Map.of("_id", List.of("p1"))))) {
      assertThat(QUERY.findsOnlyOutside(outside, optOut)).as(outside.url()).isTrue();
    }
    for (FhirRequest elsewhere : List.of(compartmentSearch("p2", "Observation", Map.of()),
        search("Observation", Map.of("patient", List.of("p1,p2"))),
        search("Observation", Map.of("subject", List.of("p1"))), // which type p1 is, the upstream knows
        search("Observation", Map.of("code", List.of("p1"))), search("Practitioner", Map.of("_id", List.of("p1"))))) {
      assertThat(QUERY.findsOnlyOutside(elsewhere, optOut)).as(elsewhere.url()).isFalse();
    }
  }

  private static FhirRequest compartmentSearch(String patient, String type, Map<String, List<String>> query) {
    return new FhirRequest("GET", List.of("Patient", patient, type), query, name -> null, null,
        "http://proxy.example/fhir").routed(FhirInteraction.SEARCH_COMPARTMENT, null);
  }

  private static FhirRequest search(String type, Map<String, List<String>> query) {
    return new FhirRequest("GET", List.of(type), query, name -> null, null, "http://proxy.example/fhir")
        .routed(FhirInteraction.SEARCH_TYPE, null);
  }
}
