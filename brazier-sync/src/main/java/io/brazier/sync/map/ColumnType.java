package io.brazier.sync.map;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;

/** The type of a target column, and how a FHIR value or a map's constant becomes a value of it. */
public enum ColumnType {
  STRING("text"),
  INTEGER("integer"),
  DECIMAL("numeric"),
  BOOLEAN("boolean"),
  DATE("date"),
  DATETIME("timestamptz"),
  UUID("uuid");

  private final String sql;

  ColumnType(String sql) {
    this.sql = sql;
  }

  /** The PostgreSQL type of the column. */
  public String sql() {
    return sql;
  }

  /** The name maps use: {@code string}, {@code integer}, ... */
  public String mapName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The map's name as a sentence says it: {@code a string}, {@code an integer}. */
  private String withArticle() {
    return (this == INTEGER ? "an " : "a ") + mapName();
  }

  /** The type a map names, or null when it names none of them. */
  public static ColumnType named(String name) {
    for (ColumnType type : values()) {
      if (type.mapName().equals(name)) {
        return type;
      }
    }
    return null;
  }

  /**
   * A FHIRPath result as a value of this type: a primitive as it is written (a date as the date written, whatever
   * its precision: {@code 1980-05} is May 1st), numbers and booleans from their text.
   *
   * @throws IllegalArgumentException when the value is not a primitive or does not fit the type
   */
  public Object of(Base item) {
    if (!item.isPrimitive()) {
      throw new IllegalArgumentException("gives a " + item.fhirType() + ", not a primitive value: add the element"
          + " to read (.value, .code, .given.first())");
    }
    return switch (this) {
      case STRING -> item.primitiveValue();
      case INTEGER -> item instanceof IntegerType number ? number.getValue() : parse(item.primitiveValue());
      case DECIMAL -> item instanceof DecimalType number ? number.getValue() : parse(item.primitiveValue());
      case BOOLEAN -> item instanceof BooleanType bool ? bool.getValue() : parse(item.primitiveValue());
      case DATE -> item instanceof BaseDateTimeType date ? date(date) : parse(item.primitiveValue());
      case DATETIME -> item instanceof BaseDateTimeType date ? dateTime(date) : parse(item.primitiveValue());
      case UUID -> parse(item.primitiveValue());
    };
  }

  /**
   * A map's constant (a default, a value of a value map) as a value of this type.
   *
   * @throws IllegalArgumentException when it does not fit the type
   */
  public Object of(JsonNode constant) {
    if (constant == null || constant.isNull()) {
      return null;
    }
    if (constant.isContainerNode()) {
      throw new IllegalArgumentException(constant + " is not " + withArticle());
    }
    return switch (this) {
      case STRING -> constant.asText();
      case INTEGER -> constant.canConvertToInt() && constant.isIntegralNumber() ? constant.asInt()
          : parse(constant.asText());
      case DECIMAL -> constant.isNumber() ? constant.decimalValue() : parse(constant.asText());
      case BOOLEAN -> constant.isBoolean() ? constant.asBoolean() : parse(constant.asText());
      default -> parse(constant.asText());
    };
  }

  /** A text as a value of this type. */
  public Object parse(String text) {
    try {
      return switch (this) {
        case STRING -> text;
        case INTEGER -> Integer.valueOf(text.trim());
        case DECIMAL -> new BigDecimal(text.trim());
        case BOOLEAN -> bool(text.trim());
        case DATE -> LocalDate.parse(text.trim());
        case DATETIME -> OffsetDateTime.parse(text.trim());
        case UUID -> java.util.UUID.fromString(text.trim());
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not " + withArticle());
    }
  }

  private static Boolean bool(String text) {
    if (text.equals("true") || text.equals("false")) {
      return Boolean.valueOf(text);
    }
    throw new IllegalArgumentException("'" + text + "' is not a boolean (true or false)");
  }

  private static LocalDate date(BaseDateTimeType date) {
    return LocalDate.of(date.getYear(), date.getMonth() + 1, date.getDay());
  }

  /** A time at day precision or less is the start of that day in UTC: it names no time zone. */
  private static OffsetDateTime dateTime(BaseDateTimeType date) {
    if (date.getPrecision().ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
      return OffsetDateTime.of(date(date), LocalTime.MIDNIGHT, ZoneOffset.UTC);
    }
    return date.getValue().toInstant().atOffset(ZoneOffset.UTC);
  }
}
