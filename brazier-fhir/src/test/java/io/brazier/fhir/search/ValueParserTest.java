package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.NumberValue;
import io.brazier.fhir.search.Criterion.QuantityValue;
import io.brazier.fhir.search.Criterion.ReferenceValue;
import io.brazier.fhir.search.Criterion.TokenValue;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Search values by type, https://hl7.org/fhir/R4/search.html#ptypes, with the escapes of #escaping. */
class ValueParserTest {
  private static final String BASE = "http://localhost/fhir";
  private static final ValueParser PARSER = new ValueParser(new Units(), new Fhir(false)::isResourceType);

  @Test
  void commasSeparateAlternativesUnlessEscaped() {
    assertThat(ValueParser.alternatives("name", "a,b")).containsExactly("a", "b");
    assertThat(ValueParser.alternatives("name", "a\\,b,c")).containsExactly("a\\,b", "c");
    assertThat(ValueParser.unescape("a\\,b")).isEqualTo("a,b");
  }

  @Test
  void eachEscapeStandsForItsCharacter() {
    assertThat(ValueParser.unescape("a\\|b\\$c\\\\d")).isEqualTo("a|b$c\\d");
    assertThat(ValueParser.split("x\\|y|z", '|')).containsExactly("x\\|y", "z");
    assertThat(ValueParser.split("a\\\\|b", '|')).as("an escaped backslash escapes nothing after it")
        .containsExactly("a\\\\", "b");
  }

  @Test
  void anEmptyTooLongOrControlCharacterValueIsABadRequest() {
    assertBadRequest(() -> ValueParser.alternatives("name", "a,,b"), "empty value");
    assertBadRequest(() -> ValueParser.alternatives("name", ",a"), "empty value");
    assertBadRequest(() -> ValueParser.alternatives("name", "a,"), "empty value");
    assertBadRequest(() -> ValueParser.alternatives("name", "x".repeat(ValueParser.MAX_VALUE_LENGTH + 1)),
        "longer than");
    assertBadRequest(() -> ValueParser.alternatives("name", "a\u0000b"), "control character");
  }

  @Test
  void aTokenIsACodeASystemAndCodeOrEitherAlone() {
    assertThat(ValueParser.token("code", "8480-6")).isEqualTo(new TokenValue(null, "8480-6", false));
    assertThat(ValueParser.token("code", "http://loinc.org|8480-6"))
        .isEqualTo(new TokenValue("http://loinc.org", "8480-6", true));
    assertThat(ValueParser.token("code", "|8480-6")).as("no system at all")
        .isEqualTo(new TokenValue(null, "8480-6", true));
    assertThat(ValueParser.token("code", "http://loinc.org|")).as("any code of the system")
        .isEqualTo(new TokenValue("http://loinc.org", null, true));
  }

  @Test
  void anEscapedBarBelongsToTheTokenPart() {
    assertThat(ValueParser.token("code", "urn:a\\|b|c\\|d")).isEqualTo(new TokenValue("urn:a|b", "c|d", true));
  }

  @Test
  void aTokenOfThreePartsOrOnlyABarIsABadRequest() {
    assertBadRequest(() -> ValueParser.token("code", "a|b|c"), "use code, system|code, |code or system|");
    assertBadRequest(() -> ValueParser.token("code", "|"), "give a system, a code or both");
  }

  @Test
  void aDateWithoutPrefixIsEqualOverTheSpanOfItsPrecision() {
    DateValue day = ValueParser.date("birthdate", "2013-01-14");
    DateValue minute = ValueParser.date("date", "2013-01-14T10:00");

    assertThat(day.prefix()).isEqualTo(Prefix.EQ);
    assertThat(day.range()).isEqualTo(new DateRange(millis("2013-01-14T00:00:00Z"), millis("2013-01-15T00:00:00Z") - 1));
    assertThat(minute.range()).as("a time without a zone is read in UTC")
        .isEqualTo(new DateRange(millis("2013-01-14T10:00:00Z"), millis("2013-01-14T10:01:00Z") - 1));
  }

  @Test
  void aDatesPrefixAndZoneAreRead() {
    DateValue value = ValueParser.date("date", "lt2013-01-14T10:00:00+05:00");

    assertThat(value.prefix()).isEqualTo(Prefix.LT);
    assertThat(value.range().lo()).isEqualTo(millis("2013-01-14T05:00:00Z"));
    assertThat(ValueParser.date("date", "ge2013").prefix()).isEqualTo(Prefix.GE);
    assertThat(ValueParser.date("date", "sa2013").prefix()).isEqualTo(Prefix.SA);
    assertThat(ValueParser.date("date", "eb2013").prefix()).isEqualTo(Prefix.EB);
    assertThat(ValueParser.date("date", "ap2013").prefix()).isEqualTo(Prefix.AP);
  }

  @Test
  void aBadDateOrPrefixIsABadRequestThatSaysWhatIsExpected() {
    assertBadRequest(() -> ValueParser.date("date", "2013-13"), "a prefix (eq, ne, gt, lt, ge, le, sa, eb, ap)");
    assertBadRequest(() -> ValueParser.date("birthdate", "today"), "Search parameter birthdate: 'today' is not a FHIR"
        + " date or dateTime such as 2024, 2024-05, 2024-05-01 or 2024-05-01T10:00:00Z; a prefix (eq, ne, gt, lt");
    assertBadRequest(() -> ValueParser.date("date", "xx2013"), "'xx2013' is not a FHIR date");
    assertBadRequest(() -> ValueParser.date("date", "2013-02-30"), "not a valid date");
  }

  @Test
  void aNumberStandsForTheRangeOfItsSignificantFigures() {
    NumberValue hundred = ValueParser.number("probability", "100");
    NumberValue precise = ValueParser.number("probability", "100.00");

    assertThat(hundred.prefix()).isEqualTo(Prefix.EQ);
    assertThat(hundred.lo()).isEqualByComparingTo("99.5");
    assertThat(hundred.hi()).isEqualByComparingTo("100.5");
    assertThat(precise.lo()).isEqualByComparingTo("99.995");
    assertThat(precise.hi()).isEqualByComparingTo("100.005");
  }

  @Test
  void aNumbersPrefixComparesWithTheExactValue() {
    NumberValue less = ValueParser.number("probability", "lt100");
    NumberValue negative = ValueParser.number("probability", "ge-0.5");

    assertThat(less.prefix()).isEqualTo(Prefix.LT);
    assertThat(less.value()).isEqualByComparingTo("100");
    assertThat(negative.prefix()).isEqualTo(Prefix.GE);
    assertThat(negative.value()).isEqualByComparingTo("-0.5");
  }

  @Test
  void aBadOrAbsurdNumberIsABadRequest() {
    assertBadRequest(() -> ValueParser.number("probability", "12x"), "'12x' is not a number for probability");
    assertBadRequest(() -> ValueParser.number("probability", "ten"), "'te' is not a search prefix");
    assertBadRequest(() -> ValueParser.number("probability", "ge"), "is not a number");
    assertBadRequest(() -> ValueParser.number("probability", "1e1000"), "is not a number");
    assertBadRequest(() -> ValueParser.number("probability", "1.2.3"), "is not a number");
  }

  @Test
  void aUcumQuantityIsComparedInCanonicalUnits() {
    QuantityValue value = PARSER.quantity("value-quantity", "le5.4|http://unitsofmeasure.org|mg");

    assertThat(value.canonical()).isTrue();
    assertThat(value.system()).isEqualTo(Units.UCUM);
    assertThat(value.code()).isEqualTo("g");
    assertThat(value.number().prefix()).isEqualTo(Prefix.LE);
    assertThat(value.number().value()).isEqualByComparingTo("0.0054");
    assertThat(value.number().lo()).isEqualByComparingTo("0.00535");
    assertThat(value.number().hi()).isEqualByComparingTo("0.00545");
  }

  @Test
  void aQuantityWithoutSystemMatchesByCodeAndOneWithoutUnitByValue() {
    QuantityValue noSystem = PARSER.quantity("value-quantity", "5.4||mg");
    QuantityValue bare = PARSER.quantity("value-quantity", "5.4");

    assertThat(noSystem.canonical()).isTrue();
    assertThat(noSystem.code()).isEqualTo("g");
    assertThat(bare).isEqualTo(new QuantityValue(ValueParser.number("value-quantity", "5.4"), null, null, false));
  }

  @Test
  void aQuantityOfAnotherSystemOrAnUnknownUnitComparesAsWritten() {
    QuantityValue snomed = PARSER.quantity("value-quantity", "5|http://snomed.info/sct|258684004");
    QuantityValue unknown = PARSER.quantity("value-quantity", "5||tablets");

    assertThat(snomed.canonical()).isFalse();
    assertThat(snomed.system()).isEqualTo("http://snomed.info/sct");
    assertThat(snomed.code()).isEqualTo("258684004");
    assertThat(snomed.number().value()).isEqualByComparingTo("5");
    assertThat(unknown.canonical()).isFalse();
    assertThat(unknown.system()).isNull();
    assertThat(unknown.code()).isEqualTo("tablets");
  }

  @Test
  void aQuantityOfTwoPartsIsABadRequest() {
    assertBadRequest(() -> PARSER.quantity("value-quantity", "5.4|mg"), "[prefix]number||code");
    assertBadRequest(() -> PARSER.quantity("value-quantity", "1.2.3||mg"), "is not a number");
  }

  @Test
  void aReferenceIsTypeAndIdOrAnIdOfTheTypeTheParameterNames() {
    assertThat(PARSER.reference("subject", "Patient/123", null, BASE))
        .isEqualTo(new ReferenceValue("Patient", "123", null, null));
    assertThat(PARSER.reference("patient", "123", "Patient", BASE))
        .isEqualTo(new ReferenceValue("Patient", "123", null, null));
    assertThat(PARSER.reference("subject", "123", null, BASE)).as("any type")
        .isEqualTo(new ReferenceValue(null, "123", null, null));
  }

  @Test
  void anAbsoluteReferenceToThisServerIsLocalAndOneElsewhereIsAUrl() {
    assertThat(PARSER.reference("subject", BASE + "/Patient/123", null, BASE))
        .isEqualTo(new ReferenceValue("Patient", "123", null, null));
    assertThat(PARSER.reference("subject", "http://other.org/fhir/Patient/123", null, BASE))
        .isEqualTo(new ReferenceValue(null, null, "http://other.org/fhir/Patient/123", null));
    assertThat(PARSER.reference("valueset", "http://x.org/ValueSet/vs|1.0", null, BASE))
        .isEqualTo(new ReferenceValue(null, null, "http://x.org/ValueSet/vs", "1.0"));
  }

  @Test
  void aReferenceOfAnotherTypeThanTheModifierOrNoIdAtAllIsABadRequest() {
    assertBadRequest(() -> PARSER.reference("subject:Patient", "Group/1", "Patient", BASE),
        "names type Patient but the value is a Group");
    assertBadRequest(() -> PARSER.reference("subject", "not an id!", null, BASE), "is not a reference for subject");
  }

  @Test
  void nearIsAPlaceAndADistanceInKilometresUnlessOtherwiseSaid() {
    Criterion.Near tenKm = PARSER.near("near", "near", "42.25|-83.69|10|km");
    Criterion.Near defaults = PARSER.near("near", "near", "42.25|-83.69");
    Criterion.Near miles = PARSER.near("near", "near", "42.25|-83.69|2|[mi_i]");

    assertThat(tenKm).isEqualTo(new Criterion.Near("near", 42.25, -83.69, 10_000));
    assertThat(defaults.meters()).isEqualTo(1_000);
    assertThat(miles.meters()).isCloseTo(3218.688, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void nearOutsideTheEarthOrInAUnitThatIsNoLengthIsABadRequest() {
    assertBadRequest(() -> PARSER.near("near", "near", "91|0"), "is not a place");
    assertBadRequest(() -> PARSER.near("near", "near", "0|181"), "is not a place");
    assertBadRequest(() -> PARSER.near("near", "near", "0|0|-1|km"), "is not a place");
    assertBadRequest(() -> PARSER.near("near", "near", "north|west"), "is not a place");
    assertBadRequest(() -> PARSER.near("near", "near", "1"), "is not a place");
    assertBadRequest(() -> PARSER.near("near", "near", "0|0|5|mg"), "not a UCUM unit of length");
  }

  private static void assertBadRequest(ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }
}
