package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

class ControlCharactersTest {

  @Test
  void tabCarriageReturnAndLineFeedAreTheOnlyControlCharactersAllowed() {
    assertThat(ControlCharacters.forbidden('\t')).isFalse();
    assertThat(ControlCharacters.forbidden('\n')).isFalse();
    assertThat(ControlCharacters.forbidden('\r')).isFalse();
    assertThat(ControlCharacters.forbidden(' ')).isFalse();
    assertThat(ControlCharacters.forbidden(0)).isTrue();
    assertThat(ControlCharacters.forbidden(0x1f)).isTrue();
    assertThat(ControlCharacters.forbidden('\b')).isTrue();
    assertThat(ControlCharacters.forbidden(-1)).isFalse();
  }

  @Test
  void aResourceWithoutControlCharactersPasses() {
    assertThatCode(() -> check("""
        {"resourceType":"Patient","name":[{"family":"Tab\\tLine\\nReturn\\r \\"quoted\\" \\\\u0000 \\\\b"}],
         "text":{"div":"<div>\\u0020\\u00e9\\u2028</div>"}}""")).doesNotThrowAnyException();
  }

  @Test
  void aUnicodeEscapeOfAControlCharacterIsRefusedNamingTheElement() {
    assertThatThrownBy(() -> check("""
        {"resourceType":"Patient","name":[{"given":["Ann"]},{"family":"a\\u0000b"}]}"""))
        .isInstanceOfSatisfying(FhirException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.outcome().getIssueFirstRep().getCode()).isEqualTo(IssueType.VALUE);
          assertThat(e.outcome().getIssueFirstRep().getExpression()).extracting(Object::toString)
              .containsExactly("Patient.name[1].family");
          assertThat(e.getMessage()).contains("U+0000").contains("tab, carriage return and line feed");
        });
  }

  @Test
  void shortEscapesForBackspaceAndFormFeedAreRefusedAndSoAreRawControlBytes() {
    assertThatThrownBy(() -> check("{\"resourceType\":\"Basic\",\"id\":\"x\\b\"}"))
        .hasMessageContaining("Basic.id").hasMessageContaining("U+0008");
    assertThatThrownBy(() -> check("{\"resourceType\":\"Basic\",\"code\":{\"text\":\"\\f\"}}"))
        .hasMessageContaining("Basic.code.text").hasMessageContaining("U+000C");
    assertThatThrownBy(() -> check("{\"resourceType\":\"Basic\",\"code\":{\"text\":\"\u0001\"}}"))
        .hasMessageContaining("U+0001");
    assertThatThrownBy(() -> check("{\"resourceType\":\"Basic\",\"code\":{\"text\":\"tab\\tthen\\u0000\"}}"))
        .hasMessageContaining("U+0000");
  }

  @Test
  void aControlCharacterInAContainedResourceIsNamedWhereItIs() {
    assertThatThrownBy(() -> check("""
        {"resourceType":"Observation","contained":[{"resourceType":"Patient","id":"p",
         "identifier":[{"system":"urn:x","value":"1\\u001f"}]}]}"""))
        .hasMessageStartingWith("Observation.contained[0].identifier[0].value: ");
  }

  @Test
  void aSearchValueWithAControlCharacterIsRefusedNamingTheParameter() {
    assertThatCode(() -> ControlCharacters.checkValue("name", "tab\tok")).doesNotThrowAnyException();
    assertThatThrownBy(() -> ControlCharacters.checkValue("name", "a\u0000b"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("The value of name").hasMessageContaining("U+0000");
  }

  private static void check(String json) {
    ControlCharacters.check(json.getBytes(StandardCharsets.UTF_8));
  }
}
