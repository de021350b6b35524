package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Status codes as servers write them in bundle entries, with or without their reason phrase. */
class StatusesTest {

  @Test
  void theCodeIsReadWithOrWithoutItsReasonPhrase() {
    assertThat(Statuses.code("201")).isEqualTo(201);
    assertThat(Statuses.code("201 Created")).isEqualTo(201);
    assertThat(Statuses.code("  412 Precondition Failed ")).isEqualTo(412);
  }

  @Test
  void aStatusWithoutThreeLeadingDigitsHasNoCode() {
    assertThat(Statuses.code(null)).isZero();
    assertThat(Statuses.code("")).isZero();
    assertThat(Statuses.code("OK")).isZero();
    assertThat(Statuses.code("20 Created")).isZero();
    assertThat(Statuses.code("HTTP 201")).isZero();
  }

  @Test
  void onlyTwoHundredsAreSuccesses() {
    assertThat(Statuses.success(200)).isTrue();
    assertThat(Statuses.success(204)).isTrue();
    assertThat(Statuses.success(299)).isTrue();
    assertThat(Statuses.success(199)).isFalse();
    assertThat(Statuses.success(304)).isFalse();
    assertThat(Statuses.success(0)).isFalse();
  }
}
