package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The original agent's element maps: what each child of a created element stands for. */
class ElementMapTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void onePercentIsTheRowsValue() {
    assertThat(placeholder(NODES.textNode("%"))).isEqualTo(ElementMap.Placeholder.VALUE);
  }

  @Test
  void twoPercentsAreTheTypeALookupReferences() {
    assertThat(placeholder(NODES.textNode("%%"))).isEqualTo(ElementMap.Placeholder.REFERENCED_TYPE);
  }

  @Test
  void threePercentsAreTheReferenceALookupMakes() {
    assertThat(placeholder(NODES.textNode("%%%"))).isEqualTo(ElementMap.Placeholder.REFERENCE);
  }

  @Test
  void anythingElseIsWrittenAsItIs() {
    for (JsonNode literal : List.of(NODES.textNode("%%%%"), NODES.textNode(" %"), NODES.textNode("official"),
        NODES.textNode(""), NODES.numberNode(1), NODES.booleanNode(true), NODES.objectNode().put("a", "%"))) {
      assertThat(placeholder(literal)).as(literal.toString()).isEqualTo(ElementMap.Placeholder.LITERAL);
    }
  }

  @Test
  void aTemplateKeepsItsChildrenAsGiven() {
    List<ElementMap.Assignment> children = new ArrayList<>(List.of(
        new ElementMap.Assignment("use", NODES.textNode("official")),
        new ElementMap.Assignment("family", NODES.textNode("%"))));
    ElementMap.Template template = new ElementMap.Template("name[0]", children);

    children.clear();

    assertThat(template.assignments()).extracting(ElementMap.Assignment::path).containsExactly("use", "family");
    assertThatThrownBy(() -> template.assignments().add(new ElementMap.Assignment("given", NODES.textNode("%"))))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static ElementMap.Placeholder placeholder(JsonNode value) {
    return new ElementMap.Assignment("child", value).placeholder();
  }
}
