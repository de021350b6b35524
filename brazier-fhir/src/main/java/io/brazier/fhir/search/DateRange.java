package io.brazier.fhir.search;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The span of time a FHIR date, dateTime or instant stands for, in epoch milliseconds, both ends included: a value is
 * as wide as its precision, so {@code 2020} is the whole year and {@code 2020-03-01T10:00} a whole minute. A value
 * without a time zone is read as UTC. Open ends of periods are {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}.
 */
public record DateRange(long lo, long hi) {
  public static final long OPEN_LOW = Long.MIN_VALUE;
  public static final long OPEN_HIGH = Long.MAX_VALUE;
  private static final Pattern FORMAT = Pattern.compile(
      "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?"
          + "(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

  public DateRange {
    if (lo > hi) {
      throw new IllegalArgumentException("a date range ends before it starts");
    }
  }

  /**
   * Parses a FHIR date, dateTime or instant (the time zone may be left out, as search values may).
   *
   * @throws IllegalArgumentException when the text is not one
   */
  public static DateRange parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a FHIR date or dateTime (such as 2020, 2020-03,"
          + " 2020-03-01 or 2020-03-01T10:00:00Z)");
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (m.group(2) == null) {
        return span(LocalDateTime.of(year, 1, 1, 0, 0), LocalDateTime.of(year + 1, 1, 1, 0, 0), ZoneOffset.UTC);
      }
      int month = Integer.parseInt(m.group(2));
      if (m.group(3) == null) {
        LocalDateTime start = LocalDateTime.of(year, month, 1, 0, 0);
        return span(start, start.plusMonths(1), ZoneOffset.UTC);
      }
      LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
      ZoneOffset zone = m.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      if (m.group(4) == null) {
        return span(day.atStartOfDay(), day.plusDays(1).atStartOfDay(), zone);
      }
      LocalDateTime minute = day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
      if (m.group(6) == null) {
        return span(minute, minute.plusMinutes(1), zone);
      }
      LocalDateTime second = minute.withSecond(Integer.parseInt(m.group(6)));
      String fraction = m.group(7);
      if (fraction == null) {
        return span(second, second.plusSeconds(1), zone);
      }
      long nanos = Long.parseLong((fraction + "000000000").substring(0, 9));
      long unit = (long) Math.pow(10, 9 - Math.min(fraction.length(), 9));
      LocalDateTime start = second.plusNanos(nanos);
      return span(start, start.plusNanos(Math.max(unit, 1_000_000)), zone);
    } catch (DateTimeException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid date: " + e.getMessage());
    }
  }

  private static DateRange span(LocalDateTime start, LocalDateTime end, ZoneOffset zone) {
    long lo = start.toInstant(zone).toEpochMilli();
    return new DateRange(lo, Math.max(lo, end.toInstant(zone).toEpochMilli() - 1));
  }

  public static DateRange between(DateRange start, DateRange end) {
    long lo = start == null ? OPEN_LOW : start.lo();
    long hi = end == null ? OPEN_HIGH : end.hi();
    return new DateRange(Math.min(lo, hi), Math.max(lo, hi));
  }

  public static DateRange instant(long epochMillis) {
    return new DateRange(epochMillis, epochMillis);
  }
}
