package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchParamTest {

  @Test
  void aParameterWithAnExpressionIsIndexed() {
    assertThat(param("name", "Patient.name").isIndexed()).isTrue();
  }

  @Test
  void idAndLastUpdatedAreColumnsOfTheResourceAndNeedNoIndex() {
    assertThat(param("_id", "Resource.id").isIndexed()).isFalse();
    assertThat(param("_lastUpdated", "Resource.meta.lastUpdated").isIndexed()).isFalse();
  }

  @Test
  void aParameterWithoutExpressionHasNothingToIndex() {
    assertThat(param("_query", null).isIndexed()).isFalse();
    assertThat(param("near", " ").isIndexed()).isFalse();
  }

  @Test
  void itsListsCannotChangeAfterwards() {
    List<String> targets = new ArrayList<>(List.of("Patient"));
    SearchParam param = new SearchParam("http://x.org/sp", "subject", "Observation", ParamType.REFERENCE,
        "Observation.subject", targets, List.of());

    targets.add("Group");

    assertThat(param.targets()).containsExactly("Patient");
    assertThatThrownBy(() -> param.targets().add("Device")).isInstanceOf(UnsupportedOperationException.class);
  }

  private static SearchParam param(String code, String expression) {
    return new SearchParam("http://x.org/sp/" + code, code, "Patient", ParamType.STRING, expression, List.of(),
        List.of());
  }
}
