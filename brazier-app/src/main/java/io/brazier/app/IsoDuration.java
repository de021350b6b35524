package io.brazier.app;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration option's value, ISO-8601 ({@code PT30S}); a value that is none says what to write instead, the ISO form
 * of a shorthand such as {@code 30s} (picocli's own message named only Java's parse failure).
 */
final class IsoDuration implements ITypeConverter<Duration> {
  private static final Pattern SHORTHAND = Pattern.compile("(\\d+)\\s*([smhd])", Pattern.CASE_INSENSITIVE);

  @Override
  public Duration convert(String value) {
    try {
      return Duration.parse(value.strip());
    } catch (DateTimeParseException e) {
      Matcher shorthand = SHORTHAND.matcher(value.strip());
      throw new TypeConversionException("'" + value + "' is not an ISO-8601 duration: "
          + (shorthand.matches() ? "write " + iso(shorthand.group(1), shorthand.group(2).toUpperCase(Locale.ROOT))
              : "write PT30S for 30 seconds, PT5M for 5 minutes, P1D for a day"));
    }
  }

  private static String iso(String amount, String unit) {
    return unit.equals("D") ? "P" + amount + "D" : "PT" + amount + unit;
  }
}
