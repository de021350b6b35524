package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DateTimeRangeTest {
  /** The regular expression this class read values with before it read them by hand. */
  private static final Pattern FORMER = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2})"
      + "(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?(Z|[+-](?:(?:0\\d|1[0-3]):[0-5]\\d|14:00)))?)?)?");

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

  @Test
  void theScanReadsEveryValueAsTheRegularExpressionItReplacesDid() {
    List<String> values = new ArrayList<>(Strings.joined(List.of("2024", "-02", "-29", "-30", "-13", "T", "1", "Z",
        "x"), 4));
    values.addAll(Strings.joined(List.of(":30", ":3", ".5", ".123456789", ".", "0", "Z", "+14:00", "-13:59",
        "+14:01", "-09:60", "\u0663"), 4).stream().map(tail -> "2024-05-01T10:15" + tail).toList());
    for (String value : values) {
      assertThat(parsed(value)).as(value).isEqualTo(formerly(value));
    }
    assertThat(values).hasSizeGreaterThan(25_000);
  }

  private static Object parsed(String value) {
    try {
      return DateTimeRange.parse(value);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** What this class made of a value when it read it with {@link #FORMER}. */
  private static Object formerly(String text) {
    Matcher m = FORMER.matcher(text);
    if (!m.matches()) {
      return "'" + text + "' is not a FHIR date or dateTime such as 2024, 2024-05, 2024-05-01 or 2024-05-01T10:00:00Z";
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (m.group(2) == null) {
        return span(LocalDate.of(year, 1, 1), ChronoUnit.YEARS);
      }
      if (m.group(3) == null) {
        return span(LocalDate.of(year, Integer.parseInt(m.group(2)), 1), ChronoUnit.MONTHS);
      }
      LocalDate day = LocalDate.of(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return span(day, ChronoUnit.DAYS);
      }
      LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
          m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
      Instant start = LocalDateTime.of(day, time).toInstant(m.group(8).equals("Z") ? ZoneOffset.UTC
          : ZoneOffset.of(m.group(8)));
      if (m.group(6) == null || m.group(7) == null) {
        return new DateTimeRange(start, m.group(6) == null ? start.plus(1, ChronoUnit.MINUTES) : start.plusSeconds(1));
      }
      long nanos = new BigDecimal("0" + m.group(7)).movePointRight(9).longValueExact();
      long step = BigDecimal.ONE.movePointLeft(m.group(7).length() - 1).movePointRight(9).longValueExact();
      return new DateTimeRange(start.plusNanos(nanos), start.plusNanos(nanos + step));
    } catch (java.time.DateTimeException e) {
      return "'" + text + "' is not a valid date: " + e.getMessage();
    }
  }

  private static DateTimeRange span(LocalDate first, ChronoUnit unit) {
    return new DateTimeRange(first.atStartOfDay().toInstant(ZoneOffset.UTC),
        first.plus(1, unit).atStartOfDay().toInstant(ZoneOffset.UTC));
  }
}
