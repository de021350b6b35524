package io.brazier.app;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How long something is kept: an ISO-8601 duration ({@code P30D}, {@code PT12H}) or a whole number of days. */
final class Retention implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    String text = value.trim();
    try {
      Duration duration = text.chars().allMatch(Character::isDigit) && !text.isEmpty()
          ? Duration.ofDays(Long.parseLong(text)) : Duration.parse(text);
      if (!duration.isNegative() && !duration.isZero()) {
        return duration;
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      // Answered below, as any other value that is not a positive duration.
    }
    throw new TypeConversionException("'" + value + "' is not a positive duration: give days (30) or an ISO-8601"
        + " duration (P30D, PT12H)");
  }
}
