package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class IsoDurationTest {
  private final IsoDuration converter = new IsoDuration();

  @Test
  void anIsoDurationIsRead() {
    assertThat(converter.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert(" P1D ")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void aShorthandIsRefusedWithItsIsoForm() {
    assertThatThrownBy(() -> converter.convert("30s")).isInstanceOf(TypeConversionException.class)
        .hasMessage("'30s' is not an ISO-8601 duration: write PT30S");
    assertThatThrownBy(() -> converter.convert("5 m")).hasMessageEndingWith("write PT5M");
    assertThatThrownBy(() -> converter.convert("2d")).hasMessageEndingWith("write P2D");
  }

  @Test
  void anythingElseIsRefusedWithExamples() {
    assertThatThrownBy(() -> converter.convert("a while")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("write PT30S for 30 seconds");
  }

  @Test
  void everyDurationOptionOfTheCommandReadsSo() {
    Cli.run("load", ".", "--request-timeout", "10m")
        .refused("Invalid value for option '--request-timeout': '10m' is not an ISO-8601 duration: write PT10M");
  }
}
