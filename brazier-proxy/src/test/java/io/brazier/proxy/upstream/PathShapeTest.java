package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathShapeTest {

  @Test
  void eachShapeOfTheRestfulApiIsItsInteraction() {
    assertThat(shape("GET", "")).isEqualTo(FhirInteraction.SEARCH_SYSTEM);
    assertThat(shape("POST", "")).isEqualTo(FhirInteraction.BUNDLE);
    assertThat(shape("GET", "metadata")).isEqualTo(FhirInteraction.CAPABILITIES);
    assertThat(shape("GET", "_history")).isEqualTo(FhirInteraction.HISTORY_SYSTEM);
    assertThat(shape("GET", "_async/7")).isEqualTo(FhirInteraction.ASYNC_STATUS);
    assertThat(shape("GET", "Patient")).isEqualTo(FhirInteraction.SEARCH_TYPE);
    assertThat(shape("POST", "Patient/_search")).isEqualTo(FhirInteraction.SEARCH_TYPE);
    assertThat(shape("POST", "Patient")).isEqualTo(FhirInteraction.CREATE);
    assertThat(shape("DELETE", "Patient?identifier=x")).isEqualTo(FhirInteraction.DELETE);
    assertThat(shape("GET", "Patient/_history")).isEqualTo(FhirInteraction.HISTORY_TYPE);
    assertThat(shape("GET", "Patient/1")).isEqualTo(FhirInteraction.READ);
    assertThat(shape("PUT", "Patient/1")).isEqualTo(FhirInteraction.UPDATE);
    assertThat(shape("PATCH", "Patient/1")).isEqualTo(FhirInteraction.PATCH);
    assertThat(shape("GET", "Patient/1/_history")).isEqualTo(FhirInteraction.HISTORY_INSTANCE);
    assertThat(shape("GET", "Patient/1/_history/2")).isEqualTo(FhirInteraction.VREAD);
    assertThat(shape("GET", "Patient/1/Observation")).isEqualTo(FhirInteraction.SEARCH_COMPARTMENT);
  }

  @Test
  void operationsAreNamedAtEveryLevelVersionsIncludedWhateverTheUpstreamServes() {
    FhirRequest system = PathShape.classify(FhirRequest.builder("GET", "$export").build());
    FhirRequest type = PathShape.classify(FhirRequest.builder("POST", "Patient/$match").build());
    FhirRequest instance = PathShape.classify(FhirRequest.builder("GET", "Patient/1/$everything").build());
    FhirRequest version = PathShape.classify(FhirRequest.builder("POST", "Patient/1/_history/2/$meta").build());

    assertThat(system.operation()).isEqualTo("$export");
    assertThat(type.operation()).isEqualTo("$match");
    assertThat(instance.interaction()).isEqualTo(FhirInteraction.OPERATION);
    assertThat(instance.operation()).isEqualTo("$everything");
    assertThat(version.interaction()).isEqualTo(FhirInteraction.OPERATION);
    assertThat(version.operation()).isEqualTo("$meta");
  }

  @Test
  void theIncludesOfACompartmentSearchAreAnOperationBelowIt() {
    FhirRequest includes = PathShape.classify(FhirRequest.builder("GET", "Patient/1/Observation/$includes").build());
    FhirRequest ofAll = PathShape.classify(FhirRequest.builder("GET", "Patient/1/*/$includes").build());

    assertThat(includes.interaction()).isEqualTo(FhirInteraction.OPERATION);
    assertThat(includes.operation()).isEqualTo("$includes");
    assertThat(ofAll.operation()).isEqualTo("$includes");
  }

  @Test
  void aShapeNoInteractionHasIsA405() {
    assertThatThrownBy(() -> shape("POST", "Patient/1/_history"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(405));
    assertThatThrownBy(() -> shape("GET", "_nonsense"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(405));
  }

  @Test
  void aSegmentNoFhirPathHoldsIsA400() {
    for (String url : List.of("Patient/%2E%2E/Observation", "Patient/./1", "Patient/a%2Fb", "Patient/a%20b",
        "http:/other.org/Patient", "Patient/1%3F_id=2")) {
      assertThatThrownBy(() -> shape("GET", url)).as(url)
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }

  @Test
  void idsWithDotsAndDashesAndTheCompartmentWildcardAreSegments() {
    assertThat(shape("GET", "Patient/a.b-1")).isEqualTo(FhirInteraction.READ);
    assertThat(shape("GET", "Patient/...")).isEqualTo(FhirInteraction.READ);
    assertThat(shape("GET", "Patient/1/*")).isEqualTo(FhirInteraction.SEARCH_COMPARTMENT);
    assertThat(shape("GET", "_async/3f2a-9c")).isEqualTo(FhirInteraction.ASYNC_STATUS);
  }

  private static FhirInteraction shape(String method, String url) {
    return PathShape.classify(FhirRequest.builder(method, url).build()).interaction();
  }
}
