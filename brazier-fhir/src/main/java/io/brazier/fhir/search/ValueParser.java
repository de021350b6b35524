package io.brazier.fhir.search;

import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.ControlCharacters;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.NumberValue;
import io.brazier.fhir.search.Criterion.QuantityValue;
import io.brazier.fhir.search.Criterion.ReferenceValue;
import io.brazier.fhir.search.Criterion.TokenValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Parses search values by type, with the escapes of https://hl7.org/fhir/R4/search.html#escaping: {@code \,},
 * {@code \|}, {@code \$} and {@code \\}. Every malformed value is a 400 that says what was expected.
 */
final class ValueParser {
  static final int MAX_VALUE_LENGTH = QueryParser.MAX_VALUE_LENGTH;

  private final Units units;
  private final Predicate<String> isResourceType;

  ValueParser(Units units, Predicate<String> isResourceType) {
    this.units = units;
    this.isResourceType = isResourceType;
  }

  /** Splits at unescaped {@code separator}, keeping escapes for the next split. */
  static List<String> split(String value, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        part.append(c).append(value.charAt(++i));
      } else if (c == separator) {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    return parts;
  }

  static String unescape(String value) {
    StringBuilder text = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      text.append(c);
    }
    return text.toString();
  }

  /** The comma-separated alternatives of a parameter's value, each non-empty. */
  static List<String> alternatives(String name, String value) {
    if (value.length() > MAX_VALUE_LENGTH) {
      throw FhirException.badRequest("The value of " + name + " is longer than " + MAX_VALUE_LENGTH
          + " characters.");
    }
    ControlCharacters.checkValue(name, value);
    List<String> alternatives = split(value, ',');
    for (String alternative : alternatives) {
      if (alternative.isEmpty()) {
        throw FhirException.badRequest("Search parameter " + name + " has an empty value.");
      }
    }
    return alternatives;
  }

  static TokenValue token(String name, String value) {
    List<String> parts = split(value, '|');
    if (parts.size() > 2) {
      throw FhirException.badRequest("'" + unescape(value) + "' is not a token for " + name
          + ": use code, system|code, |code or system|.");
    }
    if (parts.size() == 1) {
      return new TokenValue(null, SearchStrings.bounded(unescape(parts.get(0))), false);
    }
    String system = parts.get(0).isEmpty() ? null : SearchStrings.bounded(unescape(parts.get(0)));
    String code = parts.get(1).isEmpty() ? null : SearchStrings.bounded(unescape(parts.get(1)));
    if (system == null && code == null) {
      throw FhirException.badRequest("'|' is not a token for " + name + ": give a system, a code or both.");
    }
    return new TokenValue(system, code, true);
  }

  /**
   * A date after an optional prefix. Two letters that are no prefix are read as part of the date (not refused as a
   * prefix), so that a word such as {@code today} is answered with the forms a date takes.
   */
  static DateValue date(String name, String value) {
    Prefix prefix = Prefix.of(value);
    String text = prefix == null ? value : value.substring(2);
    try {
      return new DateValue(prefix == null ? Prefix.EQ : prefix, DateRange.parse(text));
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest("Search parameter " + name + ": " + e.getMessage()
          + "; a prefix (eq, ne, gt, lt, ge, le, sa, eb, ap) may come first.");
    }
  }

  static NumberValue number(String name, String value) {
    Prefix prefix = prefix(value);
    String text = prefix == null ? value : value.substring(2);
    try {
      BigDecimal number = new BigDecimal(text);
      if (Math.abs(number.scale()) > 100 || number.precision() > 100) {
        throw new NumberFormatException("out of range");
      }
      BigDecimal half = BigDecimal.ONE.scaleByPowerOfTen(-number.scale()).divide(BigDecimal.valueOf(2));
      return new NumberValue(prefix == null ? Prefix.EQ : prefix, number, number.subtract(half), number.add(half));
    } catch (NumberFormatException | ArithmeticException e) {
      throw FhirException.badRequest("'" + value + "' is not a number for " + name
          + "; a prefix (eq, ne, gt, lt, ge, le, sa, eb, ap) may come first.");
    }
  }

  QuantityValue quantity(String name, String value) {
    List<String> parts = split(value, '|');
    if (parts.size() != 1 && parts.size() != 3) {
      throw FhirException.badRequest("'" + unescape(value) + "' is not a quantity for " + name
          + ": use [prefix]number, [prefix]number|system|code or [prefix]number||code.");
    }
    NumberValue number = number(name, parts.get(0));
    String system = parts.size() == 3 && !parts.get(1).isEmpty() ? unescape(parts.get(1)) : null;
    String code = parts.size() == 3 && !parts.get(2).isEmpty() ? unescape(parts.get(2)) : null;
    if (code != null && (system == null || Units.UCUM.equals(system))) {
      Optional<Units.Canonical> canonical = units.canonical(number.value(), code);
      if (canonical.isPresent()) {
        return new QuantityValue(new NumberValue(number.prefix(), canonical.get().value(),
            units.canonical(number.lo(), code).orElseThrow().value(),
            units.canonical(number.hi(), code).orElseThrow().value()), Units.UCUM, canonical.get().unit(), true);
      }
    }
    return new QuantityValue(number, system, code, false);
  }

  /**
   * A reference value: {@code Type/id}, {@code id} (of {@code type} when the modifier or the parameter names one),
   * an absolute URL (this server's own base is cut off) or a canonical {@code url|version}.
   */
  ReferenceValue reference(String name, String value, String type, String baseUrl) {
    String unescaped = unescape(value);
    String text = baseUrl == null ? unescaped : BaseUrl.relative(unescaped, baseUrl).orElse(unescaped);
    References.Target target = References.parse(text, isResourceType);
    if (target != null && target.isLocal()) {
      if (type != null && !type.equals(target.type())) {
        throw FhirException.badRequest("Search parameter " + name + " names type " + type + " but the value is a "
            + target.type() + ".");
      }
      return new ReferenceValue(target.type(), target.id(), null, null);
    }
    if (target != null) {
      return new ReferenceValue(null, null, target.url(), target.version());
    }
    if (!io.brazier.fhir.Fhir.isValidId(text)) {
      throw FhirException.badRequest("'" + text + "' is not a reference for " + name
          + ": use an id, Type/id or an absolute URL.");
    }
    return new ReferenceValue(type, text, null, null);
  }

  /** {@code latitude|longitude[|distance[|units]]}: units are UCUM (km by default), the distance 1 km by default. */
  Criterion.Near near(String name, String param, String value) {
    List<String> parts = split(value, '|');
    try {
      if (parts.size() < 2 || parts.size() > 4) {
        throw new NumberFormatException();
      }
      double latitude = Double.parseDouble(parts.get(0));
      double longitude = Double.parseDouble(parts.get(1));
      BigDecimal distance = parts.size() > 2 && !parts.get(2).isEmpty() ? new BigDecimal(parts.get(2)) : BigDecimal.ONE;
      String unit = parts.size() > 3 && !parts.get(3).isEmpty() ? unescape(parts.get(3)) : "km";
      Units.Canonical meters = units.canonical(distance, unit).filter(c -> c.unit().equals("m"))
          .orElseThrow(() -> FhirException.badRequest("'" + unit + "' is not a UCUM unit of length for " + name + "."));
      if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || meters.value().signum() < 0) {
        throw new NumberFormatException();
      }
      return new Criterion.Near(param, latitude, longitude, meters.value().doubleValue());
    } catch (NumberFormatException e) {
      throw FhirException.badRequest("'" + value + "' is not a place for " + name
          + ": use latitude|longitude|distance|units, such as 42.25|-83.69|10|km.");
    }
  }

  private static Prefix prefix(String value) {
    Prefix prefix = Prefix.of(value);
    if (prefix == null && value.length() > 2 && Character.isLetter(value.charAt(0))
        && Character.isLetter(value.charAt(1))) {
      throw FhirException.badRequest("'" + value.substring(0, 2) + "' is not a search prefix: use eq, ne, gt, lt,"
          + " ge, le, sa, eb or ap.");
    }
    return prefix;
  }
}
