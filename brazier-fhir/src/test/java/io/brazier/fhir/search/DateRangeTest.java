package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.DateTimeRange;
import io.brazier.fhir.Strings;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Dates as search indexes them: https://hl7.org/fhir/R4/search.html#date, both ends included, in milliseconds. */
class DateRangeTest {

  @Test
  void aDateIsEveryMillisecondOfItsDayMonthOrYear() {
    assertThat(DateRange.parse("2024")).isEqualTo(range("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"));
    assertThat(DateRange.parse("2024-02")).isEqualTo(range("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"));
    assertThat(DateRange.parse("2024-02-29")).isEqualTo(range("2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"));
  }

  @Test
  void aTimeIsItsMinuteSecondOrFractionInItsZone() {
    assertThat(DateRange.parse("2024-05-01T10:00+02:00"))
        .isEqualTo(range("2024-05-01T08:00:00Z", "2024-05-01T08:01:00Z"));
    assertThat(DateRange.parse("2024-05-01T10:00:00Z")).isEqualTo(range("2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z"));
    assertThat(DateRange.parse("2024-05-01T10:00:00.5Z"))
        .isEqualTo(range("2024-05-01T10:00:00.500Z", "2024-05-01T10:00:00.600Z"));
  }

  @Test
  void anInstantToTheMillisecondIsThatMillisecond() {
    DateRange range = DateRange.parse("2024-05-01T10:00:00.123Z");

    assertThat(range.lo()).isEqualTo(range.hi()).isEqualTo(millis("2024-05-01T10:00:00.123Z"));
  }

  @Test
  void aTimeWithoutAZoneIsReadInUtcAndSurroundingSpacesAreIgnored() {
    assertThat(DateRange.parse(" 2024-05-01T10:00:00 ")).isEqualTo(DateRange.parse("2024-05-01T10:00:00Z"));
  }

  @Test
  void whatIsNoDateIsRefused() {
    assertThatThrownBy(() -> DateRange.parse("2024-13")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DateRange.parse("May 2024")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DateRange.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DateRange(2, 1)).hasMessageContaining("ends before it starts");
  }

  @Test
  void aPeriodSpansFromTheStartOfItsStartToTheEndOfItsEndAndAMissingEndIsOpen() {
    DateRange start = DateRange.parse("2020");
    DateRange end = DateRange.parse("2021-06");

    assertThat(DateRange.between(start, end)).isEqualTo(range("2020-01-01T00:00:00Z", "2021-07-01T00:00:00Z"));
    assertThat(DateRange.between(start, null)).isEqualTo(new DateRange(start.lo(), DateRange.OPEN_HIGH));
    assertThat(DateRange.between(null, end)).isEqualTo(new DateRange(DateRange.OPEN_LOW, end.hi()));
  }

  /** From {@code from} included to {@code to} excluded. */
  private static DateRange range(String from, String to) {
    return new DateRange(millis(from), millis(to) - 1);
  }

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void aTimeWithoutAZoneIsReadInUtcAsTheRegularExpressionItReplacesDecided() {
    // The expression that told a time with its zone from one without before: the scan must decide the same.
    Pattern zone = Pattern.compile("(Z|[+-]\\d{2}:\\d{2})$");
    List<String> values = Strings.joined(List.of("2024-05-01T10:00", ":00", "Z", "+", "-", "02", ":", "1", "\u2028",
        "a"), 4);

    for (String value : values) {
      String expected = value.indexOf('T') > 0 && !zone.matcher(value).find() ? value + "Z" : value;

      assertThat(parsed(value)).as(value).isEqualTo(spanOf(expected));
    }
    assertThat(values).hasSizeGreaterThan(10_000);
  }

  /** What DateRange.parse makes of a value, or the message it refuses it with. */
  private static Object parsed(String value) {
    try {
      return DateRange.parse(value);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The span of a value with its zone, as DateRange.parse makes it, or the message it refuses it with. */
  private static Object spanOf(String value) {
    try {
      DateTimeRange range = DateTimeRange.parse(value);
      long lo = range.start().toEpochMilli();
      return new DateRange(lo, Math.max(lo, range.end().toEpochMilli() - 1));
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
