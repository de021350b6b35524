package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NumbersTest {

  @Test
  void ordinaryNumbersPass() {
    assertThatCode(() -> check("{\"value\":1.5e-3,\"low\":-0.000001,\"high\":6.02E23,\"n\":" + "9".repeat(1000) + "}",
        Format.JSON)).doesNotThrowAnyException();
  }

  @Test
  void aJsonExponentBeyondTheLimitIsRefused() {
    assertThatThrownBy(() -> check("{\"value\":1e101}", Format.JSON)).isInstanceOf(FhirException.class);
    assertThatThrownBy(() -> check("{\"value\":2.5E-999999999}", Format.JSON)).isInstanceOf(FhirException.class);
    assertThatThrownBy(() -> check("{\"value\":1e+00000000000000000999}", Format.JSON))
        .isInstanceOf(FhirException.class);
  }

  @Test
  void textThatLooksLikeAnExponentIsNotANumber() {
    assertThatCode(() -> check("{\"code\":\"1e999\",\"note\":\"a \\\"1e999\\\" b\",\"ok\":true,\"no\":false}",
        Format.JSON)).doesNotThrowAnyException();
    assertThatCode(() -> check("<value value=\"1e999\"/>", Format.XML)).doesNotThrowAnyException();
  }

  @Test
  void aRunOfDigitsBeyondTheLimitIsRefusedAnywhere() {
    String digits = "7".repeat(1001);

    assertThatThrownBy(() -> check("{\"value\":" + digits + "}", Format.JSON)).isInstanceOf(FhirException.class);
    assertThatThrownBy(() -> check("{\"value\":\"" + digits + "\"}", Format.JSON)).isInstanceOf(FhirException.class);
    assertThatThrownBy(() -> check("<value value=\"" + digits + "\"/>", Format.XML))
        .isInstanceOf(FhirException.class);
  }

  @Test
  void aRefusalNamesWhatWasReadABodyUnlessTold() {
    byte[] exponent = "{\"value\":1e101}".getBytes(StandardCharsets.UTF_8);
    byte[] digits = "7".repeat(1001).getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Numbers.check(exponent, Format.JSON))
        .hasMessage("The body has a number with an exponent beyond 100.");
    assertThatThrownBy(() -> Numbers.check(exponent, Format.JSON, "line"))
        .hasMessage("The line has a number with an exponent beyond 100.");
    assertThatThrownBy(() -> Numbers.check(digits, Format.JSON, "line"))
        .hasMessage("The line has a number of more than 1000 digits.");
  }

  private static void check(String body, Format format) {
    Numbers.check(body.getBytes(StandardCharsets.UTF_8), format);
  }
}
