package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** How long something is kept, as an operator writes it: days, or an ISO-8601 duration; nothing else. */
class RetentionTest {
  private final Retention retention = new Retention();

  @Test
  void aWholeNumberIsDaysAndAnIsoDurationIsItself() {
    assertThat(retention.convert("30")).isEqualTo(Duration.ofDays(30));
    assertThat(retention.convert(" 7 ")).isEqualTo(Duration.ofDays(7));
    assertThat(retention.convert("P30D")).isEqualTo(Duration.ofDays(30));
    assertThat(retention.convert("PT12H")).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void whatIsNoPositiveDurationSaysHowToWriteOne() {
    for (String value : List.of("0", "PT0S", "-P1D", "", "30d", "a month", "99999999999999999999",
        "9999999999999999")) {
      assertThatThrownBy(() -> retention.convert(value)).as(value).isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("is not a positive duration").hasMessageContaining("P30D");
    }
  }
}
