package io.brazier.fhir.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import org.junit.jupiter.api.Test;

/** v2 DTM values as FHIR dates and dateTimes, at the precision they have. */
class V2DatesTest {
  private final V2Dates dates = new V2Dates("20260301120000+0530");

  @Test
  void eachPrecisionKeepsItsDigitsAndATimeWithoutAnOffsetTakesTheMessagesOne() {
    assertThat(dates.dateTime("2026", "X").getValueAsString()).isEqualTo("2026");
    assertThat(dates.dateTime("202603", "X").getValueAsString()).isEqualTo("2026-03");
    assertThat(dates.dateTime("20260301", "X").getValueAsString()).isEqualTo("2026-03-01");
    assertThat(dates.dateTime("2026030114", "X").getValueAsString()).isEqualTo("2026-03-01T14:00:00+05:30");
    assertThat(dates.dateTime("20260301142233.25-0700", "X").getValueAsString())
        .isEqualTo("2026-03-01T14:22:33.25-07:00");
    assertThat(dates.date("20260301142233", "X").getValueAsString()).isEqualTo("2026-03-01");
    assertThat(new V2Dates(null).dateTime("202603011422", "X").getValueAsString())
        .isEqualTo("2026-03-01T14:22:00Z");
    assertThat(dates.dateTime(null, "X")).isNull();
  }

  @Test
  void whatIsNotADateIsA400NamingWhereItIs() {
    for (String value : new String[] {"yesterday", "2026-03-01", "20261301", "20260230"}) {
      assertThatThrownBy(() -> dates.dateTime(value, "PID-7")).as(value)
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageContaining("PID-7 ('" + value + "')");
    }
  }
}
