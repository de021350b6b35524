package io.brazier.fhir;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A span of time from {@code start} (inclusive) to {@code end} (exclusive); a null bound is open. A FHIR date,
 * dateTime or instant stands for the whole span of its precision, as FHIR search reads it
 * (https://hl7.org/fhir/R4/search.html#date): {@code 2024} is the year 2024, {@code 2024-05-01T10:00:00Z} that second.
 * Values without a time of day are read in UTC.
 */
public record DateTimeRange(Instant start, Instant end) {
  public static final DateTimeRange ALWAYS = new DateTimeRange(null, null);

  /**
   * The span a date, dateTime or instant stands for: the R4 dateTime syntax, with the seconds optional as search
   * allows, {@code YYYY(-MM(-DD(Thh:mm(:ss(.f{1,9})?)?(Z|+hh:mm|-hh:mm))?)?)?}, the zone from -14:00 to +14:00. Read
   * by hand rather than by a regular expression: every date of every write's index passes here.
   */
  public static DateTimeRange parse(String text) {
    int n = text.length();
    if (!digitsAt(text, 0, 4) || !(n == 4 || n >= 7 && text.charAt(4) == '-' && digitsAt(text, 5, 2)
        && (n == 7 || n >= 10 && text.charAt(7) == '-' && digitsAt(text, 8, 2)
        && (n == 10 || isTime(text))))) {
      throw new IllegalArgumentException("'" + text + "' is not a FHIR date or dateTime such as 2024, 2024-05"
          + ", 2024-05-01 or 2024-05-01T10:00:00Z");
    }
    try {
      int year = number(text, 0, 4);
      if (n == 4) {
        return days(LocalDate.of(year, 1, 1), ChronoUnit.YEARS);
      }
      int month = number(text, 5, 2);
      if (n == 7) {
        return days(LocalDate.of(year, month, 1), ChronoUnit.MONTHS);
      }
      LocalDate day = LocalDate.of(year, month, number(text, 8, 2));
      if (n == 10) {
        return days(day, ChronoUnit.DAYS);
      }
      return time(day, text);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid date: " + e.getMessage());
    }
  }

  /** Whether what follows a day ({@code YYYY-MM-DD}) is {@code Thh:mm}, maybe seconds and a fraction, and a zone. */
  private static boolean isTime(String text) {
    if (text.length() < 17 || text.charAt(10) != 'T' || !digitsAt(text, 11, 2) || text.charAt(13) != ':'
        || !digitsAt(text, 14, 2)) {
      return false;
    }
    int zone = zoneAt(text);
    return zone > 0 && isZone(text, zone);
  }

  /**
   * Where the zone of a time starts: after {@code hh:mm}, or after {@code :ss} and a fraction of 1 to 9 digits when
   * there are seconds; -1 when the seconds or the fraction are malformed.
   */
  private static int zoneAt(String text) {
    int at = 16;
    if (text.charAt(at) != ':') {
      return at;
    }
    if (!digitsAt(text, at + 1, 2)) {
      return -1;
    }
    at += 3;
    if (at < text.length() && text.charAt(at) == '.') {
      int digits = 0;
      while (at + 1 + digits < text.length() && isDigit(text.charAt(at + 1 + digits))) {
        digits++;
      }
      if (digits < 1 || digits > 9) {
        return -1;
      }
      at += 1 + digits;
    }
    return at;
  }

  /** Whether the text ends with exactly a zone from {@code at}: {@code Z}, or {@code ±hh:mm} up to 14:00. */
  private static boolean isZone(String text, int at) {
    int rest = text.length() - at;
    if (rest == 1) {
      return text.charAt(at) == 'Z';
    }
    if (rest != 6 || text.charAt(at) != '+' && text.charAt(at) != '-' || text.charAt(at + 3) != ':') {
      return false;
    }
    char h1 = text.charAt(at + 1);
    char h2 = text.charAt(at + 2);
    char m1 = text.charAt(at + 4);
    char m2 = text.charAt(at + 5);
    boolean upTo13 = (h1 == '0' && isDigit(h2) || h1 == '1' && h2 >= '0' && h2 <= '3') && m1 >= '0' && m1 <= '5'
        && isDigit(m2);
    return upTo13 || h1 == '1' && h2 == '4' && m1 == '0' && m2 == '0';
  }

  private static DateTimeRange days(LocalDate first, ChronoUnit unit) {
    Instant start = first.atStartOfDay().toInstant(ZoneOffset.UTC);
    return new DateTimeRange(start, first.plus(1, unit).atStartOfDay().toInstant(ZoneOffset.UTC));
  }

  /** The span of a time checked by {@link #isTime}. */
  private static DateTimeRange time(LocalDate day, String text) {
    boolean hasSeconds = text.charAt(16) == ':';
    int seconds = hasSeconds ? number(text, 17, 2) : 0;
    LocalTime time = LocalTime.of(number(text, 11, 2), number(text, 14, 2), seconds);
    int zoneAt = zoneAt(text);
    ZoneOffset zone = text.charAt(zoneAt) == 'Z' ? ZoneOffset.UTC : ZoneOffset.of(text.substring(zoneAt));
    Instant start = LocalDateTime.of(day, time).toInstant(zone);
    if (!hasSeconds) {
      return new DateTimeRange(start, start.plus(1, ChronoUnit.MINUTES));
    }
    if (zoneAt == 19) {
      return new DateTimeRange(start, start.plusSeconds(1));
    }
    // .5 is the tenth of a second from .5 to .6; .500 the millisecond from .500 to .501.
    String fraction = text.substring(19, zoneAt);
    BigDecimal value = new BigDecimal("0" + fraction);
    long nanos = value.movePointRight(9).longValueExact();
    long step = BigDecimal.ONE.movePointLeft(fraction.length() - 1).movePointRight(9).longValueExact();
    return new DateTimeRange(start.plusNanos(nanos), start.plusNanos(nanos + step));
  }

  /** Whether {@code count} ASCII digits (as {@code \d} of a regular expression reads them) start at {@code at}. */
  private static boolean digitsAt(String text, int at, int count) {
    if (at + count > text.length()) {
      return false;
    }
    for (int i = at; i < at + count; i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The number the {@code count} digits at {@code at} make. */
  private static int number(String text, int at, int count) {
    int number = 0;
    for (int i = at; i < at + count; i++) {
      number = number * 10 + text.charAt(i) - '0';
    }
    return number;
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
