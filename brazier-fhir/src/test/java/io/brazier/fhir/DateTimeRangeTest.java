package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DateTimeRangeTest {

  @ParameterizedTest
  @CsvSource({
      "2024, 2024-01-01T00:00:00Z, 2025-01-01T00:00:00Z",
      "2024-02, 2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z",
      "2024-02-29, 2024-02-29T00:00:00Z, 2024-03-01T00:00:00Z",
      "2024-05-01T10:15Z, 2024-05-01T10:15:00Z, 2024-05-01T10:16:00Z",
      "2024-05-01T10:15:30Z, 2024-05-01T10:15:30Z, 2024-05-01T10:15:31Z",
      "2024-05-01T10:15:30.5Z, 2024-05-01T10:15:30.5Z, 2024-05-01T10:15:30.6Z",
      "2024-05-01T10:15:30.123+02:00, 2024-05-01T08:15:30.123Z, 2024-05-01T08:15:30.124Z",
      "2024-12-31T23:59:59-05:00, 2025-01-01T04:59:59Z, 2025-01-01T05:00:00Z"
  })
  void aValueStandsForTheWholeSpanOfItsPrecision(String value, String start, String end) {
    DateTimeRange range = DateTimeRange.parse(value);

    assertThat(range).isEqualTo(new DateTimeRange(Instant.parse(start), Instant.parse(end)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "yesterday", "24", "2024-13", "2024-02-30", "2024-05-01T10:15:30", "2024-05-01T25:00Z",
      "2024-05-01T10:15:30+15:00", "2024-05-01 10:15:30Z", "2024-05-01T10:15:30.Z"})
  void anythingElseIsRejectedWithTheValueInTheMessage(String value) {
    assertThatThrownBy(() -> DateTimeRange.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + value + "'");
  }

  @Test
  void anIntersectionKeepsTheLaterStartAndTheEarlierEnd() {
    DateTimeRange from2024 = new DateTimeRange(Instant.parse("2024-01-01T00:00:00Z"), null);
    DateTimeRange until2025 = new DateTimeRange(null, Instant.parse("2025-01-01T00:00:00Z"));

    DateTimeRange both = from2024.intersect(until2025).intersect(DateTimeRange.ALWAYS);

    assertThat(both).isEqualTo(DateTimeRange.parse("2024"));
    assertThat(both.isEmpty()).isFalse();
    assertThat(DateTimeRange.parse("2024").intersect(DateTimeRange.parse("2023")).isEmpty()).isTrue();
    assertThat(DateTimeRange.ALWAYS.isEmpty()).isFalse();
  }
}
