package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * JSON Patch on a resource's JSON, without a server: the operations and pointers of RFC 6902 and RFC 6901, the 400 of
 * a malformed document and the 422 of one that does not apply. https://www.rfc-editor.org/rfc/rfc6902
 */
class JsonPatchTest {
  private static final String OBSERVATION = """
      {"resourceType":"Observation","id":"o1","status":"final","code":{"text":"weight"},
       "valueQuantity":{"value":71.50,"unit":"kg"},"note":[{"text":"a"},{"text":"b"}],
       "extension":[{"url":"http://example.org/a~b/c","valueString":"x"}]}""";

  private final JsonPatch jsonPatch = new JsonPatch();

  @Test
  void addToAnArrayInsertsAtTheIndexAndTheDashAppends() {
    String patched = apply("""
        [{"op":"add","path":"/note/1","value":{"text":"between"}},
         {"op":"add","path":"/note/-","value":{"text":"last"}}]""");

    assertThat(patched)
        .contains("\"note\":[{\"text\":\"a\"},{\"text\":\"between\"},{\"text\":\"b\"},{\"text\":\"last\"}]");
  }

  @Test
  void addToAnArrayPastItsEndDoesNotApply() {
    assertUnprocessable("""
        [{"op":"add","path":"/note/3","value":{"text":"gap"}}]""");
  }

  @Test
  void addOfAnExistingMemberReplacesIt() {
    String patched = apply("""
        [{"op":"add","path":"/status","value":"amended"}]""");

    assertThat(patched).contains("\"status\":\"amended\"").doesNotContain("final");
  }

  @Test
  void removeAndReplaceNeedTheirTargetToExist() {
    assertUnprocessable("""
        [{"op":"remove","path":"/issued"}]""");
    assertUnprocessable("""
        [{"op":"replace","path":"/issued","value":"2024-01-01T00:00:00Z"}]""");
    assertUnprocessable("""
        [{"op":"remove","path":"/note/2"}]""");
  }

  @Test
  void moveRemovesFromTheSourceAndAddsAtThePath() {
    String patched = apply("""
        [{"op":"move","from":"/note/0","path":"/note/-"}]""");

    assertThat(patched).contains("\"note\":[{\"text\":\"b\"},{\"text\":\"a\"}]");
  }

  @Test
  void moveIntoItsOwnChildDoesNotApply() {
    assertUnprocessable("""
        [{"op":"move","from":"/code","path":"/code/coding"}]""");
  }

  @Test
  void copyLeavesTheSourceInPlace() {
    String patched = apply("""
        [{"op":"copy","from":"/note/0","path":"/note/-"}]""");

    assertThat(patched).contains("\"note\":[{\"text\":\"a\"},{\"text\":\"b\"},{\"text\":\"a\"}]");
  }

  @Test
  void pointersDecodeTildeZeroAndTildeOne() {
    String patched = apply("""
        [{"op":"test","path":"/extension/0/url","value":"http://example.org/a~b/c"},
         {"op":"add","path":"/code/a~1b~0c","value":1}]""");

    assertThat(patched).contains("\"a/b~c\":1");
  }

  @Test
  void testComparesObjectsRegardlessOfTheOrderOfTheirMembers() {
    String patched = apply("""
        [{"op":"test","path":"/valueQuantity","value":{"unit":"kg","value":71.50}},
         {"op":"replace","path":"/status","value":"amended"}]""");

    assertThat(patched).contains("\"status\":\"amended\"");
  }

  @Test
  void testComparesNumbersByTheirValue() {
    // RFC 6902 4.6: numbers are equal when their values are numerically equal, whatever their digits.
    String patched = apply("""
        [{"op":"test","path":"/valueQuantity/value","value":71.5},
         {"op":"replace","path":"/status","value":"amended"}]""");

    assertThat(patched).contains("\"status\":\"amended\"");
  }

  @Test
  void testComparesAWholeNumberWithADecimalByTheirValue() {
    String patched = apply("""
        [{"op":"add","path":"/component","value":[{"code":{"text":"count"},"valueInteger":72}]},
         {"op":"test","path":"/component/0/valueInteger","value":72.0},
         {"op":"test","path":"/valueQuantity","value":{"value":7.15E1,"unit":"kg"}}]""");

    assertThat(patched).contains("\"valueInteger\":72");
  }

  @Test
  void aNumberDoesNotTestEqualToTheSameDigitsAsAString() {
    assertUnprocessable("""
        [{"op":"test","path":"/valueQuantity/value","value":"71.50"}]""");
  }

  @Test
  void testOfAMissingPathOrADifferentValueDoesNotApply() {
    assertUnprocessable("""
        [{"op":"test","path":"/issued","value":"2024-01-01"}]""");
    assertUnprocessable("""
        [{"op":"test","path":"/note","value":[{"text":"b"},{"text":"a"}]}]""");
  }

  @Test
  void decimalsKeepTheirDigits() {
    String patched = apply("""
        [{"op":"add","path":"/referenceRange","value":[{"low":{"value":1.00},"high":{"value":1E+2}}]}]""");

    assertThat(patched).contains("\"valueQuantity\":{\"value\":71.50,").contains("\"value\":1.00}")
        .contains("\"value\":100}");
  }

  @Test
  void aMemberNameInAnArrayDoesNotApply() {
    assertUnprocessable("""
        [{"op":"replace","path":"/note/first/text","value":"x"}]""");
  }

  @Test
  void aDocumentThatIsNotJsonOrNotAPatchIsMalformed() {
    assertMalformed("[{\"op\":\"add\"");
    assertMalformed("{\"op\":\"add\",\"path\":\"/status\",\"value\":\"final\"}");
    assertMalformed("[{\"op\":\"frobnicate\",\"path\":\"/status\"}]");
    assertMalformed("[{\"op\":\"add\",\"path\":\"/status\"}]");
    assertMalformed("[{\"op\":\"move\",\"path\":\"/status\"}]");
    assertMalformed("[] []");
  }

  private String apply(String patch) {
    PatchDocument document = jsonPatch.parse(patch.getBytes(StandardCharsets.UTF_8));
    return new String(document.apply(OBSERVATION.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  private void assertUnprocessable(String patch) {
    assertThatThrownBy(() -> apply(patch)).as(patch)
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(422));
  }

  private void assertMalformed(String patch) {
    assertThatThrownBy(() -> jsonPatch.parse(patch.getBytes(StandardCharsets.UTF_8))).as(patch)
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
