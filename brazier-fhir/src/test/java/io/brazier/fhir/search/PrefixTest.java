package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** https://hl7.org/fhir/R4/search.html#prefix */
class PrefixTest {

  @Test
  void everySearchPrefixIsTwoLettersBeforeTheValue() {
    assertThat(Prefix.of("eq2013")).isEqualTo(Prefix.EQ);
    assertThat(Prefix.of("ne2013")).isEqualTo(Prefix.NE);
    assertThat(Prefix.of("gt5")).isEqualTo(Prefix.GT);
    assertThat(Prefix.of("lt5")).isEqualTo(Prefix.LT);
    assertThat(Prefix.of("ge5")).isEqualTo(Prefix.GE);
    assertThat(Prefix.of("le5")).isEqualTo(Prefix.LE);
    assertThat(Prefix.of("sa2013")).isEqualTo(Prefix.SA);
    assertThat(Prefix.of("eb2013")).isEqualTo(Prefix.EB);
    assertThat(Prefix.of("ap2013")).isEqualTo(Prefix.AP);
  }

  @Test
  void aValueWithoutPrefixHasNone() {
    assertThat(Prefix.of("2013")).isNull();
    assertThat(Prefix.of("-5")).isNull();
    assertThat(Prefix.of("1e2")).isNull();
    assertThat(Prefix.of("ge")).as("a prefix needs a value after it").isNull();
  }

  @Test
  void overlapsBelongsToFilterAndUnknownLettersAreNoPrefix() {
    assertThat(Prefix.of("po2013")).isNull();
    assertThat(Prefix.of("xx2013")).isNull();
  }
}
