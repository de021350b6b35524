package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @Test
  void eachTypeHasItsMapNameAndItsPostgresqlType() {
    assertThat(ColumnType.named("datetime")).isEqualTo(ColumnType.DATETIME);
    assertThat(ColumnType.DATETIME.sql()).isEqualTo("timestamptz");
    assertThat(ColumnType.DECIMAL.sql()).isEqualTo("numeric");
    assertThat(ColumnType.named("varchar")).isNull();
  }

  @Test
  void fhirPrimitivesBecomeValuesOfTheirColumnsType() {
    assertThat(ColumnType.STRING.of(new CodeType("female"))).isEqualTo("female");
    assertThat(ColumnType.INTEGER.of(new IntegerType(42))).isEqualTo(42);
    assertThat(ColumnType.INTEGER.of(new StringType("42"))).isEqualTo(42);
    assertThat(ColumnType.DECIMAL.of(new DecimalType("98.60"))).isEqualTo(new BigDecimal("98.60"));
    assertThat(ColumnType.BOOLEAN.of(new BooleanType(true))).isEqualTo(true);
    assertThat(ColumnType.UUID.of(new StringType("5b1f8a5e-7c4c-4b6b-9a4f-0d1e2f3a4b5c")))
        .isEqualTo(UUID.fromString("5b1f8a5e-7c4c-4b6b-9a4f-0d1e2f3a4b5c"));
  }

  @Test
  void aDateIsTheDateWrittenWhateverItsPrecision() {
    assertThat(ColumnType.DATE.of(new DateType("1980-05-17"))).isEqualTo(LocalDate.of(1980, 5, 17));
    assertThat(ColumnType.DATE.of(new DateType("1980-05"))).isEqualTo(LocalDate.of(1980, 5, 1));
    assertThat(ColumnType.DATE.of(new DateType("1980"))).isEqualTo(LocalDate.of(1980, 1, 1));
  }

  @Test
  void aDateOfATimeIsTheDayWrittenInItsOwnZoneNotTheDayInUtcOrHere() {
    assertThat(ColumnType.DATE.of(new DateTimeType("2020-03-04T23:30:00-05:00"))).isEqualTo(LocalDate.of(2020, 3, 4));
    assertThat(ColumnType.DATE.of(new DateTimeType("2020-03-04T01:30:00+09:00"))).isEqualTo(LocalDate.of(2020, 3, 4));
    assertThat(ColumnType.DATE.of(new InstantType("2020-12-31T23:59:59.999+14:00")))
        .isEqualTo(LocalDate.of(2020, 12, 31));
  }

  @Test
  void aDateTimeAtMonthOrYearPrecisionIsTheStartOfItsFirstDayInUtc() {
    assertThat(ColumnType.DATETIME.of(new DateTimeType("1980-05")))
        .isEqualTo(OffsetDateTime.of(1980, 5, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(ColumnType.DATETIME.of(new DateTimeType("1980")))
        .isEqualTo(OffsetDateTime.of(1980, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(ColumnType.DATETIME.of(new InstantType("2020-03-04T10:15:00.123-03:30")))
        .isEqualTo(OffsetDateTime.of(2020, 3, 4, 13, 45, 0, 123_000_000, ZoneOffset.UTC));
  }

  @Test
  void numbersThatDoNotFitTheColumnAreRefusedNotRoundedOrWrapped() {
    assertThat(ColumnType.DECIMAL.of(new DecimalType("0.1000000000000000055511151231257827")))
        .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
    assertThatThrownBy(() -> ColumnType.INTEGER.of(new DecimalType("3.0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("'3.0' is not an integer");
    assertThatThrownBy(() -> ColumnType.INTEGER.of(new StringType("3000000000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("'3000000000' is not an integer");
  }

  @Test
  void aDateTimeKeepsItsInstantAndADayIsItsStartInUtc() {
    assertThat(ColumnType.DATETIME.of(new DateTimeType("2020-03-04T10:15:00+02:00")))
        .isEqualTo(OffsetDateTime.of(2020, 3, 4, 8, 15, 0, 0, ZoneOffset.UTC));
    assertThat(ColumnType.DATETIME.of(new DateTimeType("2020-03-04")))
        .isEqualTo(OffsetDateTime.of(2020, 3, 4, 0, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void whatDoesNotFitIsRefusedSayingWhatToFix() {
    assertThatThrownBy(() -> ColumnType.STRING.of(new HumanName().setFamily("Chalmers")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gives a HumanName, not a primitive")
        .hasMessageContaining(".given.first()");
    assertThatThrownBy(() -> ColumnType.INTEGER.of(new StringType("abc")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("'abc' is not an integer");
    assertThatThrownBy(() -> ColumnType.BOOLEAN.parse("yes"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("'yes' is not a boolean (true or false)");
    assertThatThrownBy(() -> ColumnType.DATE.parse("17/05/1980"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("'17/05/1980' is not a date");
  }

  @Test
  void aMapsConstantsAreReadAsTheColumnsType() throws Exception {
    assertThat(ColumnType.INTEGER.of(JSON.readTree("3"))).isEqualTo(3);
    assertThat(ColumnType.INTEGER.of(JSON.readTree("\"3\""))).isEqualTo(3);
    assertThat(ColumnType.DECIMAL.of(JSON.readTree("1.5"))).isEqualTo(new BigDecimal("1.5"));
    assertThat(ColumnType.BOOLEAN.of(JSON.readTree("false"))).isEqualTo(false);
    assertThat(ColumnType.DATE.of(JSON.readTree("\"1970-01-01\""))).isEqualTo(LocalDate.of(1970, 1, 1));
    assertThat(ColumnType.STRING.of(JSON.readTree("null"))).isNull();
    assertThatThrownBy(() -> ColumnType.STRING.of(JSON.readTree("{\"a\": 1}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("{\"a\":1} is not a string");
    assertThatThrownBy(() -> ColumnType.INTEGER.of(JSON.readTree("1.5")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("'1.5' is not an integer");
  }
}
