package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET $includes} of a type, of the server or of a compartment search follows the rules of that search; a POST
 * of it, one on an instance and any other operation stay operations.
 */
class IncludesPagingTest {
  @Test
  void theIncludesOfATypeOrOfTheServerFollowTheRulesOfItsSearch() {
    assertThat(IncludesPaging.interaction(operation("GET", "Observation", "$includes")))
        .isEqualTo(FhirInteraction.SEARCH_TYPE);
    assertThat(IncludesPaging.interaction(operation("GET", "$includes"))).isEqualTo(FhirInteraction.SEARCH_SYSTEM);
  }

  @Test
  void theIncludesOfACompartmentSearchFollowTheRulesOfThatSearch() {
    assertThat(IncludesPaging.interaction(operation("GET", "Patient", "12", "Observation", "$includes")))
        .isEqualTo(FhirInteraction.SEARCH_COMPARTMENT);
    assertThat(IncludesPaging.interaction(operation("GET", "Patient", "12", "*", "$includes")))
        .isEqualTo(FhirInteraction.SEARCH_COMPARTMENT);
    assertThat(IncludesPaging.interaction(operation("POST", "Patient", "12", "Observation", "$includes")))
        .isEqualTo(FhirInteraction.OPERATION);
  }

  @Test
  void aPostOfItOneOnAnInstanceAndOtherOperationsStayOperations() {
    assertThat(IncludesPaging.interaction(operation("POST", "Observation", "$includes")))
        .isEqualTo(FhirInteraction.OPERATION);
    assertThat(IncludesPaging.interaction(operation("GET", "Observation", "1", "$includes")))
        .isEqualTo(FhirInteraction.OPERATION);
    assertThat(IncludesPaging.interaction(operation("GET", "Patient", "$everything")))
        .isEqualTo(FhirInteraction.OPERATION);
  }

  @Test
  void otherInteractionsStayTheirOwn() {
    FhirRequest search = new FhirRequest("GET", List.of("Observation"), Map.of(), name -> null, null,
        "http://proxy.example/fhir").routed(FhirInteraction.SEARCH_TYPE, null);

    assertThat(IncludesPaging.interaction(search)).isEqualTo(FhirInteraction.SEARCH_TYPE);
  }

  private static FhirRequest operation(String method, String... segments) {
    List<String> path = List.of(segments);
    return new FhirRequest(method, path, Map.of(), name -> null, null, "http://proxy.example/fhir")
        .routed(FhirInteraction.OPERATION, path.get(path.size() - 1));
  }
}
