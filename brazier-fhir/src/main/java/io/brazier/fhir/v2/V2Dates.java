package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;

/**
 * v2 dates and times (DT, DTM, TS: {@code YYYY[MM[DD[HH[MM[SS[.S...]]]]]][+/-ZZZZ]}) as FHIR dates and dateTimes. A
 * time with no offset takes the offset of the message's time (MSH-7), as the standard says, or UTC when that has
 * none either: a FHIR dateTime with a time needs an offset.
 */
final class V2Dates {
  private static final Pattern DTM = Pattern.compile(
      "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\.\\d{1,4})?([+-]\\d{4})?");
  private final String defaultOffset;

  V2Dates(String messageTime) {
    Matcher matcher = messageTime == null ? null : DTM.matcher(messageTime);
    this.defaultOffset = matcher != null && matcher.matches() && matcher.group(8) != null
        ? offset(matcher.group(8)) : "Z";
  }

  /** The dateTime of a v2 time; null for none; a 400 naming {@code where} for one that is not a time. */
  DateTimeType dateTime(String value, String where) {
    if (value == null) {
      return null;
    }
    Matcher matcher = matcher(value, where);
    StringBuilder text = new StringBuilder(date(matcher));
    if (matcher.group(4) != null) {
      text.append('T').append(matcher.group(4)).append(':').append(orZeros(matcher.group(5)));
      text.append(':').append(orZeros(matcher.group(6)));
      if (matcher.group(7) != null) {
        text.append(matcher.group(7));
      }
      text.append(matcher.group(8) != null ? offset(matcher.group(8)) : defaultOffset);
    }
    return parsed(() -> new DateTimeType(text.toString()), value, where);
  }

  /** The date of a v2 date or time (its time left out); null for none. */
  DateType date(String value, String where) {
    if (value == null) {
      return null;
    }
    String text = date(matcher(value, where));
    return parsed(() -> new DateType(text), value, where);
  }

  private static Matcher matcher(String value, String where) {
    Matcher matcher = DTM.matcher(value.strip());
    if (!matcher.matches()) {
      throw notATime(value, where);
    }
    return matcher;
  }

  private static String date(Matcher matcher) {
    StringBuilder text = new StringBuilder(matcher.group(1));
    for (int group = 2; group <= 3 && matcher.group(group) != null; group++) {
      text.append('-').append(matcher.group(group));
    }
    return text.toString();
  }

  private static <T> T parsed(Supplier<T> parse, String value, String where) {
    try {
      return parse.get();
    } catch (RuntimeException e) { // HAPI's DataFormatException, for a month 13 or a 30 February
      throw notATime(value, where);
    }
  }

  private static String offset(String zzzz) {
    return zzzz.substring(0, 3) + ":" + zzzz.substring(3);
  }

  private static String orZeros(String digits) {
    return digits == null ? "00" : digits;
  }

  private static FhirException notATime(String value, String where) {
    return FhirException.badRequest(where + " ('" + value + "') is not an HL7 v2 date or time"
        + " (YYYY[MM[DD[HHMM[SS[.S]]]]][+/-ZZZZ]).");
  }
}
