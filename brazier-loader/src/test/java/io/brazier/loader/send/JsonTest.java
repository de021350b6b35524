package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static final String OBSERVATION = """
      {"resourceType":"Observation","id":"o1",
       "contained":[{"resourceType":"Patient","id":"p","generalPractitioner":[{"reference":"Practitioner/dr"}]}],
       "subject":{"reference":"urn:uuid:9c1d5b7e-0000-4000-8000-000000000001","display":"reference"},
       "performer":[{"reference":"#p"},{"display":"no reference"},{"reference":"Practitioner?identifier=x|1"}],
       "extension":[{"url":"http://x.org/ext","valueReference":{"reference":"Device/d1"}}],
       "component":[[{"reference":"Group/g1"}]],
       "note":[{"text":"reference: Patient/not-a-reference"}],
       "reference":{"reference":"Location/l1"}}""";

  @Test
  void everyReferenceIsFoundInContainedResourcesExtensionsAndNestedArraysButNoOtherField() throws IOException {
    List<String> found = new ArrayList<>();

    Json.references(Json.parse(OBSERVATION.getBytes(StandardCharsets.UTF_8)), found::add);

    assertThat(found).containsExactly("Practitioner/dr", "urn:uuid:9c1d5b7e-0000-4000-8000-000000000001", "#p",
        "Practitioner?identifier=x|1", "Device/d1", "Group/g1", "Location/l1");
  }

  @Test
  void rewritingChangesOnlyTheReferencesItMapsAndLeavesTheRestAsItWas() throws IOException {
    ObjectNode resource = Json.parse(OBSERVATION.getBytes(StandardCharsets.UTF_8));
    ObjectNode before = resource.deepCopy();

    Json.rewriteReferences(resource, reference -> reference.startsWith("urn:uuid:") ? "Patient/p1" : reference);

    assertThat(resource.path("subject").path("reference").asText()).isEqualTo("Patient/p1");
    assertThat(resource.path("subject").path("display").asText()).isEqualTo("reference");
    ((ObjectNode) resource.path("subject")).put("reference", "urn:uuid:9c1d5b7e-0000-4000-8000-000000000001");
    assertThat(resource).isEqualTo(before);
  }

  @Test
  void contentThatIsNotOneJsonObjectIsRefusedSayingSo() {
    for (String content : List.of("[{\"resourceType\":\"Patient\"}]", "\"Patient\"", "42", "")) {
      assertThatThrownBy(() -> Json.parse(content.getBytes(StandardCharsets.UTF_8))).as(content)
          .isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> Json.parse("{\"resourceType\":\"Patient\",".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void twoDocumentsRunTogetherAreRefusedRatherThanTheSecondDropped() throws IOException {
    byte[] twoBundles = "{\"resourceType\":\"Bundle\"}\n{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Json.parse(twoBundles)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Json.tree("{\"id\":\"a\"}{\"id\":\"b\"}")).isInstanceOf(IOException.class);
    assertThat(Json.tree(" {\"id\":\"a\"}\t ").path("id").asText()).isEqualTo("a");
  }

  @Test
  void aResponseTheLoaderAnswersItselfIsAnOperationOutcomeThatSaysWhy() {
    ObjectNode conflict = Json.response(412, "Precondition Failed", "matches two");
    ObjectNode failed = Json.response(503, "Service Unavailable", "unreachable");

    assertThat(conflict.path("response").path("status").asText()).isEqualTo("412 Precondition Failed");
    assertThat(conflict.at("/response/outcome/issue/0/code").asText()).isEqualTo("multiple-matches");
    assertThat(failed.at("/response/outcome/issue/0/code").asText()).isEqualTo("processing");
    assertThat(failed.at("/response/outcome/issue/0/diagnostics").asText()).isEqualTo("unreachable");
    assertThat(failed.at("/response/outcome/resourceType").asText()).isEqualTo("OperationOutcome");
  }
}
