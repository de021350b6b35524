package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
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
  void operationsAreNamedAtEveryLevelWhateverTheUpstreamServes() {
    FhirRequest system = PathShape.classify(FhirRequest.builder("GET", "$export").build());
    FhirRequest type = PathShape.classify(FhirRequest.builder("POST", "Patient/$match").build());
    FhirRequest instance = PathShape.classify(FhirRequest.builder("GET", "Patient/1/$everything").build());

    assertThat(system.operation()).isEqualTo("$export");
    assertThat(type.operation()).isEqualTo("$match");
    assertThat(instance.interaction()).isEqualTo(FhirInteraction.OPERATION);
    assertThat(instance.operation()).isEqualTo("$everything");
  }

  @Test
  void aShapeNoInteractionHasIsA405() {
    assertThatThrownBy(() -> shape("POST", "Patient/1/_history"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(405));
    assertThatThrownBy(() -> shape("GET", "_nonsense"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(405));
  }

  private static FhirInteraction shape(String method, String url) {
    return PathShape.classify(FhirRequest.builder(method, url).build()).interaction();
  }
}
