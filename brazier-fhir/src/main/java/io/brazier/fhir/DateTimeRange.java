package io.brazier.fhir;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A span of time from {@code start} (inclusive) to {@code end} (exclusive); a null bound is open. A FHIR date,
 * dateTime or instant stands for the whole span of its precision, as FHIR search reads it
 * (https://hl7.org/fhir/R4/search.html#date): {@code 2024} is the year 2024, {@code 2024-05-01T10:00:00Z} that second.
 * Values without a time of day are read in UTC.
 */
public record DateTimeRange(Instant start, Instant end) {
  public static final DateTimeRange ALWAYS = new DateTimeRange(null, null);

  // The R4 dateTime syntax, with the seconds optional as search allows.
  private static final Pattern DATE_TIME = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2})"
      + "(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?(Z|[+-](?:(?:0\\d|1[0-3]):[0-5]\\d|14:00)))?)?)?");

  /** The span a date, dateTime or instant stands for. */
  public static DateTimeRange parse(String text) {
    Matcher m = DATE_TIME.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a FHIR date or dateTime such as 2024, 2024-05"
          + ", 2024-05-01 or 2024-05-01T10:00:00Z");
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (m.group(2) == null) {
        return days(LocalDate.of(year, 1, 1), ChronoUnit.YEARS);
      }
      int month = Integer.parseInt(m.group(2));
      if (m.group(3) == null) {
        return days(LocalDate.of(year, month, 1), ChronoUnit.MONTHS);
      }
      LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return days(day, ChronoUnit.DAYS);
      }
      return time(day, m);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid date: " + e.getMessage());
    }
  }

  private static DateTimeRange days(LocalDate first, ChronoUnit unit) {
    Instant start = first.atStartOfDay().toInstant(ZoneOffset.UTC);
    return new DateTimeRange(start, first.plus(1, unit).atStartOfDay().toInstant(ZoneOffset.UTC));
  }

  private static DateTimeRange time(LocalDate day, Matcher m) {
    int seconds = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
    LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), seconds);
    ZoneOffset zone = m.group(8).equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
    Instant start = LocalDateTime.of(day, time).toInstant(zone);
    if (m.group(6) == null) {
      return new DateTimeRange(start, start.plus(1, ChronoUnit.MINUTES));
    }
    String fraction = m.group(7);
    if (fraction == null) {
      return new DateTimeRange(start, start.plusSeconds(1));
    }
    // .5 is the tenth of a second from .5 to .6; .500 the millisecond from .500 to .501.
    BigDecimal value = new BigDecimal("0" + fraction);
    long nanos = value.movePointRight(9).longValueExact();
    long step = BigDecimal.ONE.movePointLeft(fraction.length() - 1).movePointRight(9).longValueExact();
    return new DateTimeRange(start.plusNanos(nanos), start.plusNanos(nanos + step));
  }

  /** The span both ranges cover; it may be empty. */
  public DateTimeRange intersect(DateTimeRange other) {
    Instant from = start == null ? other.start : other.start == null ? start : max(start, other.start);
    Instant to = end == null ? other.end : other.end == null ? end : min(end, other.end);
    return new DateTimeRange(from, to);
  }

  public boolean isEmpty() {
    return start != null && end != null && !start.isBefore(end);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
