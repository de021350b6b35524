package io.brazier.fhir.search;

import io.brazier.fhir.DateTimeRange;

/**
 * The span of time a FHIR date, dateTime or instant stands for (see {@link DateTimeRange}) as search indexes it: in
 * epoch milliseconds, both ends included. Open ends of periods are {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}.
 */
public record DateRange(long lo, long hi) {
  public static final long OPEN_LOW = Long.MIN_VALUE;
  public static final long OPEN_HIGH = Long.MAX_VALUE;

  public DateRange {
    if (lo > hi) {
      throw new IllegalArgumentException("a date range ends before it starts");
    }
  }

  /**
   * Parses a FHIR date, dateTime or instant; a search value may leave out the time zone of a time, which is then
   * UTC, this server's zone.
   *
   * @throws IllegalArgumentException when the text is not one
   */
  public static DateRange parse(String text) {
    String value = text == null ? "" : text.trim();
    if (value.indexOf('T') > 0 && !endsWithZone(value)) {
      value += "Z";
    }
    DateTimeRange range = DateTimeRange.parse(value);
    long lo = range.start().toEpochMilli();
    return new DateRange(lo, Math.max(lo, range.end().toEpochMilli() - 1));
  }

  /**
   * Whether a trimmed dateTime ends with its time zone, {@code Z} or {@code +hh:mm}/{@code -hh:mm}, maybe before
   * one last line terminator (as {@code $} of a regular expression reads an end).
   */
  private static boolean endsWithZone(String value) {
    int n = value.length();
    char last = n == 0 ? ' ' : value.charAt(n - 1);
    boolean terminated = last == '\u0085' || last == '\u2028' || last == '\u2029';
    return zoneEndsAt(value, n) || terminated && zoneEndsAt(value, n - 1);
  }

  private static boolean zoneEndsAt(String value, int end) {
    if (end >= 1 && value.charAt(end - 1) == 'Z') {
      return true;
    }
    return end >= 6 && (value.charAt(end - 6) == '+' || value.charAt(end - 6) == '-')
        && isDigit(value.charAt(end - 5)) && isDigit(value.charAt(end - 4)) && value.charAt(end - 3) == ':'
        && isDigit(value.charAt(end - 2)) && isDigit(value.charAt(end - 1));
  }

  /** A digit as {@code \d} of a regular expression reads one: ASCII only. */
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  public static DateRange between(DateRange start, DateRange end) {
    long lo = start == null ? OPEN_LOW : start.lo();
    long hi = end == null ? OPEN_HIGH : end.hi();
    return new DateRange(Math.min(lo, hi), Math.max(lo, hi));
  }
}
