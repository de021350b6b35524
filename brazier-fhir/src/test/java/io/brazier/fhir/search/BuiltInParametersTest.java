package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.SearchParameter.SearchModifierCode;
import org.junit.jupiter.api.Test;

class BuiltInParametersTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @Test
  void theTableIsTheSpecificationsDefinitionsSplitPerBase() {
    List<SearchParam> fromDefinitions = new ArrayList<>();
    BuiltInParameters.specification(FHIR).forEach(definition ->
        fromDefinitions.addAll(SearchParameters.split(definition)));

    SpecificationTables.assertCurrent(BuiltInParameters.TABLE, table(fromDefinitions));
    assertThat(BuiltInParameters.params()).isEqualTo(fromDefinitions);
  }

  @Test
  void theTableKeepsTheCorrectedRelationshipComponentsOfDocumentReference() {
    SearchParam relationship = BuiltInParameters.params().stream()
        .filter(param -> param.base().equals("DocumentReference") && param.code().equals("relationship"))
        .findFirst().orElseThrow();

    assertThat(relationship.components()).extracting(SearchParam.Component::expression)
        .containsExactly("target", "code");
  }

  @Test
  void aWholeDefinitionIsReadOnFirstAskingAndNamesTheModifiersServed() {
    BuiltInParameters definitions = new BuiltInParameters(FHIR);

    SearchParameter code = definitions.definition("Observation-category").orElseThrow();
    code.setDescription("changed by the caller");

    assertThat(code.getUrl()).isEqualTo("http://hl7.org/fhir/SearchParameter/Observation-category");
    assertThat(code.getModifier()).extracting(modifier -> modifier.getValue())
        .contains(SearchModifierCode.TEXT, SearchModifierCode.OFTYPE);
    assertThat(definitions.definition("Observation-category").orElseThrow().getDescription())
        .isNotEqualTo("changed by the caller");
    assertThat(definitions.definition("Observation-nothing")).isEmpty();
  }

  /** The table as checked in: a JSON array, one parameter a line, empty lists and absent values left out. */
  private static String table(List<SearchParam> params) {
    StringBuilder text = new StringBuilder("[\n");
    for (int i = 0; i < params.size(); i++) {
      text.append(row(params.get(i)).toString()).append(i < params.size() - 1 ? ",\n" : "\n");
    }
    return text.append("]\n").toString();
  }

  private static ObjectNode row(SearchParam param) {
    ObjectNode row = JSON.createObjectNode().put("url", param.url()).put("code", param.code())
        .put("base", param.base()).put("type", param.type().code());
    if (param.expression() != null) {
      row.put("expression", param.expression());
    }
    if (!param.targets().isEmpty()) {
      ArrayNode targets = row.putArray("targets");
      param.targets().forEach(targets::add);
    }
    if (!param.components().isEmpty()) {
      ArrayNode components = row.putArray("components");
      param.components().forEach(component -> components.addObject()
          .put("definition", component.definition()).put("expression", component.expression()));
    }
    return row;
  }
}
