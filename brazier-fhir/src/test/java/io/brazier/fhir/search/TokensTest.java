package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.StringMode;
import io.brazier.fhir.search.Criterion.TokenMatch;
import io.brazier.fhir.search.Criterion.TokenValue;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

/** The token modifiers: https://hl7.org/fhir/R4/search.html#token */
class TokensTest {
  private final Tokens tokens = new Tokens(Terminology.NONE);

  @Test
  void alternativesOfATokenAreAnyOfTheirValues() {
    Criterion criterion = tokens.criterion("code", null, List.of("http://loinc.org|8480-6", "8462-4"));

    assertThat(criterion).isEqualTo(new TokenMatch("code", List.of(new TokenValue("http://loinc.org", "8480-6", true),
        new TokenValue(null, "8462-4", false)), false));
  }

  @Test
  void notExcludesTheValues() {
    assertThat(tokens.criterion("gender", "not", List.of("male")))
        .isEqualTo(new TokenMatch("gender", List.of(new TokenValue(null, "male", false)), true));
  }

  @Test
  void textSearchesTheDisplaysAndTextsAsAString() {
    assertThat(tokens.criterion("code", "text", List.of("blood pres", "a\\,b")))
        .isEqualTo(new StringMatch("code:text", StringMode.STARTS_WITH, List.of("blood pres", "a,b")));
  }

  @Test
  void ofTypeIsTheIdentifiersTypeCodingAndItsValue() {
    Criterion criterion = tokens.criterion("identifier", "of-type",
        List.of("http://terminology.hl7.org/CodeSystem/v2-0203|MR|446053"));

    assertThat(criterion).isEqualTo(new TokenMatch("identifier:of-type", List.of(
        new TokenValue("http://terminology.hl7.org/CodeSystem/v2-0203|MR", "446053", true)), false));
  }

  @Test
  void ofTypeNeedsAllThreeParts() {
    assertBadRequest(() -> tokens.criterion("identifier", "of-type", List.of("MR|446053")),
        "use type-system|type-code|value");
    assertBadRequest(() -> tokens.criterion("identifier", "of-type", List.of("http://x||446053")),
        "use type-system|type-code|value");
  }

  @Test
  void aboveAndBelowNeedASystemAndACodeBeforeAnyTerminology() {
    assertBadRequest(() -> tokens.criterion("code", "below", List.of("73211009")), "code:below needs system|code");
    assertBadRequest(() -> tokens.criterion("code", "above", List.of("http://snomed.info/sct|")),
        "code:above needs system|code");
  }

  @Test
  void withoutATerminologyTheModifiersThatNeedOneAreNotSupported() {
    assertNotSupported(() -> tokens.criterion("code", "in", List.of("http://x.org/ValueSet/1")));
    assertNotSupported(() -> tokens.criterion("code", "not-in", List.of("http://x.org/ValueSet/1")));
    assertNotSupported(() -> tokens.criterion("code", "below", List.of("http://snomed.info/sct|73211009")));
    assertNotSupported(() -> tokens.criterion("code", "above", List.of("http://snomed.info/sct|73211009")));
  }

  @Test
  void anUnknownModifierIsABadRequest() {
    assertBadRequest(() -> tokens.criterion("code", "exact", List.of("a")), "Modifier :exact is not supported");
  }

  private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  private static void assertNotSupported(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.outcome().getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTSUPPORTED));
  }
}
