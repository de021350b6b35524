package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamUnionsTest {
  private static final SearchParameters R4 = new SearchParameters(new Fhir(false), new FhirPath(new Fhir(false)));

  @Test
  void theUnionsOfR4AreObservationsComboParametersEachMadeOfTheObservationsAndTheComponentsOwn() {
    Map<String, List<String>> unions = ParamUnions.of(R4.forType("Observation"), R4::compositeTypes);

    assertThat(unions).containsOnlyKeys("combo-code", "combo-code-value-concept", "combo-code-value-quantity",
        "combo-data-absent-reason", "combo-value-concept", "combo-value-quantity");
    assertThat(unions.get("combo-code")).containsExactlyInAnyOrder("code", "component-code");
    assertThat(unions.get("combo-value-quantity")).containsExactlyInAnyOrder("value-quantity",
        "component-value-quantity");
    assertThat(unions.get("combo-code-value-quantity")).containsExactlyInAnyOrder("code-value-quantity",
        "component-code-value-quantity");
  }

  @Test
  void aTypeWithoutSuchParametersHasNoUnions() {
    assertThat(ParamUnions.of(R4.forType("Patient"), R4::compositeTypes)).isEmpty();
  }

  @Test
  void partsMustBeOfTheUnionsTypeAndTogetherCoverAllOfIt() {
    SearchParam code = param("code", ParamType.TOKEN, "Observation.code");
    SearchParam componentCode = param("component-code", ParamType.TOKEN, "Observation.component.code");
    SearchParam codes = param("codes", ParamType.TOKEN, "Observation.code | Observation.component.code");
    SearchParam texts = param("texts", ParamType.STRING, "Observation.code |  Observation.component.code");
    SearchParam wider = param("wider", ParamType.TOKEN,
        "Observation.code | Observation.component.code | Observation.category");

    Map<String, List<String>> unions = ParamUnions.of(List.of(code, componentCode, codes, texts, wider),
        param -> java.util.Optional.empty());

    assertThat(unions).containsOnlyKeys("codes");
  }

  @Test
  void aUnionOfAUnionIsAnsweredByTheRowsOfItsPartsParts() {
    SearchParam code = param("code", ParamType.TOKEN, "Observation.code");
    SearchParam componentCode = param("component-code", ParamType.TOKEN, "Observation.component.code");
    SearchParam category = param("category", ParamType.TOKEN, "Observation.category");
    SearchParam codes = param("codes", ParamType.TOKEN, "Observation.code | Observation.component.code");
    SearchParam all = param("all", ParamType.TOKEN,
        "Observation.code | Observation.component.code | Observation.category");

    Map<String, List<String>> unions = ParamUnions.of(List.of(code, componentCode, category, codes, all),
        param -> java.util.Optional.empty());

    assertThat(unions.get("all")).containsExactlyInAnyOrder("code", "component-code", "category");
  }

  private static SearchParam param(String code, ParamType type, String expression) {
    return new SearchParam("http://x/sp/" + code, code, "Observation", type, expression, List.of(), List.of());
  }
}
