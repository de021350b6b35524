package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.brazier.client.Jackson;
import org.junit.jupiter.api.Test;

class ElementPathTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @Test
  void aFilterFindsTheFirstElementWhoseFieldsAllMatch() throws Exception {
    ObjectNode patient = json("""
        {"telecom": [{"system": "phone", "use": "home", "value": "1"}, {"system": "phone", "use": "mobile", "value": "2"},
                     {"system": "phone", "use": "mobile", "value": "3"}]}""");

    ElementPath.Location mobile = ElementPath.parse("$.telecom[?(@.system=='phone' && @.use=='mobile')].value")
        .locate(patient);

    assertThat(mobile.get().asText()).isEqualTo("2");
    mobile.set(TextNode.valueOf("9"));
    assertThat(patient.at("/telecom/1/value").asText()).isEqualTo("9");
  }

  @Test
  void aMissingStepOnTheWayFindsNothingButAMissingLastFieldIsAPlaceToSet() throws Exception {
    ObjectNode patient = json("{\"name\": [{\"use\": \"official\"}]}");

    assertThat(ElementPath.parse("$.name[?(@.use=='official')].given[0]").locate(patient)).isNull();
    assertThat(ElementPath.parse("$.address[0].city").locate(patient)).isNull();
    ElementPath.Location family = ElementPath.parse("$.name[?(@.use=='official')].family").locate(patient);
    assertThat(family.get()).isNull();
    family.set(TextNode.valueOf("Chalmers"));
    assertThat(patient.at("/name/0/family").asText()).isEqualTo("Chalmers");
  }

  @Test
  void makeCreatesTheObjectsAndArraysOnTheWayAndAppendsPastTheEnd() throws Exception {
    ObjectNode patient = json("{\"telecom\": [{\"system\": \"phone\"}]}");

    ElementPath.parse("given[0]").make(patient).set(TextNode.valueOf("Peter"));
    ElementPath.parse("telecom[2]").make(patient).set(json("{\"use\": \"mobile\"}"));
    ElementPath.parse("managingOrganization.reference").make(patient).set(TextNode.valueOf("Organization/1"));

    assertThat(patient).isEqualTo(json("""
        {"telecom": [{"system": "phone"}, {"use": "mobile"}], "given": ["Peter"],
         "managingOrganization": {"reference": "Organization/1"}}"""));
  }

  @Test
  void removeTakesAFieldOrAnElementAway() throws Exception {
    ObjectNode patient = json("{\"gender\": \"male\", \"name\": [{\"given\": [\"A\", \"B\"]}]}");

    ElementPath.parse("$.gender").locate(patient).remove();
    ElementPath.parse("$.name[0].given[0]").locate(patient).remove();

    assertThat(patient).isEqualTo(json("{\"name\": [{\"given\": [\"B\"]}]}"));
  }

  @Test
  void whatIsNotOfTheSubsetIsRefusedSayingWhere() {
    assertThatThrownBy(() -> ElementPath.parse("$.name[*].given")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at character 6");
    assertThatThrownBy(() -> ElementPath.parse("$.telecom[?(@.use!='home')].value"))
        .hasMessageContaining("is not @.field=='value'");
    assertThatThrownBy(() -> ElementPath.parse("$.telecom[?(@.use=='home')]"))
        .hasMessageContaining("must end in a field or a position");
  }

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text);
  }
}
