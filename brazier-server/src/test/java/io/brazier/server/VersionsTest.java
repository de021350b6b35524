package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import org.junit.jupiter.api.Test;

/** Version ids in ETags, as If-Match and If-None-Match carry them. https://hl7.org/fhir/R4/http.html#versioning */
class VersionsTest {
  @Test
  void aWeakAStrongAndABareETagNameTheirVersion() {
    assertThat(Versions.parse("W/\"3\"", "If-Match")).isEqualTo(3);
    assertThat(Versions.parse("\"4\"", "If-Match")).isEqualTo(4);
    assertThat(Versions.parse(" 5 ", "If-Match")).isEqualTo(5);
  }

  @Test
  void anythingElseIsABadRequestNamingTheHeader() {
    for (String etag : new String[] {"W/\"abc\"", "W/", "\"\"", "W/\"3", "3a", ""}) {
      assertThatThrownBy(() -> Versions.parse(etag, "If-Match")).as(etag)
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageContaining("If-Match");
    }
  }

  @Test
  void aListMatchesWhenAnyOfItsETagsNamesTheVersion() {
    assertThat(Versions.matches("W/\"1\", W/\"2\"", 2)).isTrue();
    assertThat(Versions.matches("W/\"1\",W/\"2\"", 3)).isFalse();
  }

  @Test
  void anETagOfAnotherShapeMatchesNothingRatherThanFailing() {
    assertThat(Versions.matches("\"33a7f1e\", W/\"7\"", 7)).isTrue();
    assertThat(Versions.matches("\"33a7f1e\"", 7)).isFalse();
  }
}
