package io.brazier.fhir.search;

import io.brazier.fhir.DateTimeRange;
import java.util.regex.Pattern;

/**
 * The span of time a FHIR date, dateTime or instant stands for (see {@link DateTimeRange}) as search indexes it: in
 * epoch milliseconds, both ends included. Open ends of periods are {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}.
 */
public record DateRange(long lo, long hi) {
  public static final long OPEN_LOW = Long.MIN_VALUE;
  public static final long OPEN_HIGH = Long.MAX_VALUE;
  private static final Pattern ZONE = Pattern.compile("(Z|[+-]\\d{2}:\\d{2})$");

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
    if (value.indexOf('T') > 0 && !ZONE.matcher(value).find()) {
      value += "Z";
    }
    DateTimeRange range = DateTimeRange.parse(value);
    long lo = range.start().toEpochMilli();
    return new DateRange(lo, Math.max(lo, range.end().toEpochMilli() - 1));
  }

  public static DateRange between(DateRange start, DateRange end) {
    long lo = start == null ? OPEN_LOW : start.lo();
    long hi = end == null ? OPEN_HIGH : end.hi();
    return new DateRange(Math.min(lo, hi), Math.max(lo, hi));
  }
}
