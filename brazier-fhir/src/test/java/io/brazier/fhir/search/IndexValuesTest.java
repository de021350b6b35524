package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.SearchIndex.DateEntry;
import io.brazier.fhir.search.SearchIndex.NumberEntry;
import io.brazier.fhir.search.SearchIndex.Qualifier;
import io.brazier.fhir.search.SearchIndex.QuantityEntry;
import io.brazier.fhir.search.SearchIndex.ReferenceEntry;
import io.brazier.fhir.search.SearchIndex.StringEntry;
import io.brazier.fhir.search.SearchIndex.TokenEntry;
import java.math.BigDecimal;
import java.time.Instant;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

/** What each data type indexes as, per https://hl7.org/fhir/R4/search.html#table. */
class IndexValuesTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final IndexValues VALUES = new IndexValues(new Units(), FHIR::isResourceType);

  @Test
  void aHumanNameIsFoundByEachOfItsPartsAndItsText() {
    HumanName name = new HumanName().setFamily("Van Dyke").addGiven("Ann").addGiven("Marie").addPrefix("Dr.")
        .addSuffix("Jr").setText("Dr. Ann Marie Van Dyke Jr");

    SearchIndex index = index(ParamType.STRING, name);

    assertThat(index.strings()).extracting(StringEntry::exact)
        .containsExactlyInAnyOrder("Van Dyke", "Ann", "Marie", "Dr.", "Jr", "Dr. Ann Marie Van Dyke Jr");
  }

  @Test
  void anAddressIsFoundByItsLinesPlacesAndText() {
    Address address = new Address().addLine("1 Main St").addLine("Apt 2").setCity("Springfield").setDistrict("Hampden")
        .setState("MA").setPostalCode("01101").setCountry("US").setText("1 Main St, Springfield")
        .setUse(Address.AddressUse.HOME);

    SearchIndex index = index(ParamType.STRING, address);

    assertThat(index.strings()).extracting(StringEntry::exact).containsExactlyInAnyOrder("1 Main St", "Apt 2",
        "Springfield", "Hampden", "MA", "01101", "US", "1 Main St, Springfield");
  }

  @Test
  void stringsAreFoldedForCaseAndAccentsAndKeptAsWrittenForExact() {
    SearchIndex index = index(ParamType.STRING, new StringType("  Zoë   ÅNGSTRÖM "));

    assertThat(index.strings()).extracting(StringEntry::normalized, StringEntry::exact)
        .containsExactly(tuple("zoe angstrom", "  Zoë   ÅNGSTRÖM "));
  }

  @Test
  void blankPartsAndBooleansAreNoStrings() {
    assertThat(index(ParamType.STRING, new HumanName().setFamily(" ").addGiven("")).size()).isZero();
    assertThat(index(ParamType.STRING, new BooleanType(true)).size()).isZero();
  }

  @Test
  void aLongStringIsKeptOnItsBoundedPrefix() {
    String longText = "a".repeat(SearchStrings.MAX_LENGTH + 100);

    StringEntry entry = index(ParamType.STRING, new StringType(longText)).strings().get(0);

    assertThat(entry.exact()).hasSize(SearchStrings.MAX_LENGTH);
    assertThat(entry.normalized()).hasSize(SearchStrings.MAX_LENGTH);
  }

  @Test
  void aCodeableConceptIsATokenPerCodingAndItsTextsServeTheTextModifierFoldedOnly() {
    CodeableConcept concept = new CodeableConcept().setText("Blood pressure");
    concept.addCoding().setSystem("http://loinc.org").setCode("85354-9").setDisplay("BP panel");
    concept.addCoding().setSystem("http://snomed.info/sct").setCode("75367002");

    SearchIndex index = index(ParamType.TOKEN, concept);

    assertThat(index.tokens()).extracting(TokenEntry::param, TokenEntry::system, TokenEntry::code).containsExactly(
        tuple("p", "http://loinc.org", "85354-9"), tuple("p", "http://snomed.info/sct", "75367002"));
    // No exact form: only :text's starts-with search reads them, and so they stay out of the trigram index.
    assertThat(index.strings()).extracting(StringEntry::param, StringEntry::normalized, StringEntry::exact)
        .containsExactlyInAnyOrder(tuple("p:text", "bp panel", null), tuple("p:text", "blood pressure", null));
  }

  @Test
  void aCodingWithOnlyASystemStillMatchesSystemBar() {
    SearchIndex index = index(ParamType.TOKEN, new Coding().setSystem("http://loinc.org"));

    assertThat(index.tokens()).extracting(TokenEntry::system, TokenEntry::code)
        .containsExactly(tuple("http://loinc.org", null));
  }

  @Test
  void anIdentifierIsItsSystemAndValueAndItsTypeServesOfTypeAndText() {
    Identifier identifier = new Identifier().setSystem("urn:mrn").setValue("12345");
    identifier.getType().setText("Medical record number").addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("MR");

    SearchIndex index = index(ParamType.TOKEN, identifier);

    assertThat(index.tokens()).extracting(TokenEntry::param, TokenEntry::system, TokenEntry::code).containsExactly(
        tuple("p", "urn:mrn", "12345"),
        tuple("p:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR", "12345"));
    assertThat(index.strings()).extracting(StringEntry::param, StringEntry::normalized)
        .containsExactly(tuple("p:text", "medical record number"));
  }

  @Test
  void anIdentifierTypeCodingWithoutSystemOrCodeServesNoOfType() {
    Identifier identifier = new Identifier().setSystem("urn:mrn").setValue("12345");
    identifier.getType().addCoding().setCode("MR");
    identifier.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203");

    SearchIndex index = index(ParamType.TOKEN, identifier);

    assertThat(index.tokens()).extracting(TokenEntry::param).containsExactly("p");
  }

  @Test
  void anIdentifierWithoutAValueIsNoToken() {
    assertThat(index(ParamType.TOKEN, new Identifier().setSystem("urn:mrn")).size()).isZero();
  }

  @Test
  void aCodeTakesTheSystemOfItsBindingAndABooleanIsTrueOrFalse() {
    Enumeration<AdministrativeGender> gender = new Patient().setGender(AdministrativeGender.FEMALE)
        .getGenderElement();

    assertThat(index(ParamType.TOKEN, gender).tokens()).extracting(TokenEntry::system, TokenEntry::code)
        .containsExactly(tuple("http://hl7.org/fhir/administrative-gender", "female"));
    assertThat(index(ParamType.TOKEN, new BooleanType(false)).tokens()).extracting(TokenEntry::system,
        TokenEntry::code).containsExactly(tuple(null, "false"));
  }

  @Test
  void aCompositesTokenCarriesItsQualifierAndNoTexts() {
    CodeableConcept concept = new CodeableConcept().setText("Systolic");
    concept.addCoding().setSystem("http://loinc.org").setCode("8480-6").setDisplay("Systolic BP");
    Qualifier qualifier = new Qualifier("http://loinc.org", "8462-4");
    SearchIndex.Builder builder = new SearchIndex.Builder();

    VALUES.add(builder, ParamType.TOKEN, "p", qualifier, concept);

    SearchIndex index = builder.build();
    assertThat(index.tokens()).extracting(TokenEntry::qualifier).containsExactly(qualifier);
    assertThat(index.strings()).isEmpty();
  }

  @Test
  void aDateStandsForTheWholeSpanOfItsPrecision() {
    DateEntry month = index(ParamType.DATE, new DateType("1970-03")).dates().get(0);
    DateEntry second = index(ParamType.DATE, new DateTimeType("2024-05-01T10:00:00+02:00")).dates().get(0);
    DateEntry instant = index(ParamType.DATE, new InstantType("2024-05-01T08:00:00.250Z")).dates().get(0);

    assertThat(month.lo()).isEqualTo(millis("1970-03-01T00:00:00Z"));
    assertThat(month.hi()).isEqualTo(millis("1970-04-01T00:00:00Z") - 1);
    assertThat(second.lo()).isEqualTo(millis("2024-05-01T08:00:00Z"));
    assertThat(second.hi()).isEqualTo(millis("2024-05-01T08:00:00.999Z"));
    assertThat(instant.lo()).isEqualTo(instant.hi()).isEqualTo(millis("2024-05-01T08:00:00.250Z"));
  }

  @Test
  void aPeriodWithoutAnEndIsOngoingAndOneWithoutAStartHasAlwaysBeen() {
    Period ongoing = new Period().setStartElement(new DateTimeType("2020-01-01"));
    Period ended = new Period().setEndElement(new DateTimeType("2020-01-01"));
    Period both = new Period().setStartElement(new DateTimeType("2020-01-01"))
        .setEndElement(new DateTimeType("2020-12-31"));

    assertThat(index(ParamType.DATE, ongoing).dates()).extracting(DateEntry::lo, DateEntry::hi)
        .containsExactly(tuple(millis("2020-01-01T00:00:00Z"), DateRange.OPEN_HIGH));
    assertThat(index(ParamType.DATE, ended).dates()).extracting(DateEntry::lo, DateEntry::hi)
        .containsExactly(tuple(DateRange.OPEN_LOW, millis("2020-01-02T00:00:00Z") - 1));
    assertThat(index(ParamType.DATE, both).dates()).extracting(DateEntry::lo, DateEntry::hi)
        .containsExactly(tuple(millis("2020-01-01T00:00:00Z"), millis("2021-01-01T00:00:00Z") - 1));
    assertThat(index(ParamType.DATE, new Period()).size()).isZero();
  }

  @Test
  void aTimingSpansItsEventsAndItsBounds() {
    Timing timing = new Timing();
    timing.addEventElement().setValueAsString("2021-03-05T10:00:00Z");
    timing.addEventElement().setValueAsString("2021-02-01");
    timing.getRepeat().setBounds(new Period().setEndElement(new DateTimeType("2021-06-30")));

    DateEntry span = index(ParamType.DATE, timing).dates().get(0);

    assertThat(span.lo()).isEqualTo(DateRange.OPEN_LOW);
    assertThat(span.hi()).isEqualTo(millis("2021-07-01T00:00:00Z") - 1);
    assertThat(index(ParamType.DATE, new Timing()).size()).isZero();
  }

  @Test
  void aStringThatIsNoDateIsNotIndexedAsOne() {
    assertThat(index(ParamType.DATE, new StringType("last spring")).size()).isZero();
    assertThat(index(ParamType.DATE, new StringType("2019-07")).dates()).hasSize(1);
  }

  @Test
  void decimalsIntegersAndQuantityValuesAreNumbers() {
    assertThat(index(ParamType.NUMBER, new DecimalType("1.50")).numbers()).extracting(NumberEntry::value)
        .containsExactly(new BigDecimal("1.50"));
    assertThat(index(ParamType.NUMBER, new IntegerType(3)).numbers()).extracting(NumberEntry::value)
        .containsExactly(BigDecimal.valueOf(3));
    assertThat(index(ParamType.NUMBER, new Quantity(7)).numbers()).hasSize(1);
    assertThat(index(ParamType.NUMBER, new StringType("7")).size()).isZero();
  }

  @Test
  void aUcumQuantityGetsItsCanonicalFormSoEquivalentUnitsCompare() {
    Quantity milligrams = new Quantity().setValue(5).setSystem(Units.UCUM).setCode("mg").setUnit("milligram");

    QuantityEntry entry = index(ParamType.QUANTITY, milligrams).quantities().get(0);

    assertThat(entry.value()).isEqualByComparingTo("5");
    assertThat(entry.system()).isEqualTo(Units.UCUM);
    assertThat(entry.code()).isEqualTo("mg");
    assertThat(entry.canonicalValue()).isEqualByComparingTo("0.005");
    assertThat(entry.canonicalUnit()).isEqualTo("g");
  }

  @Test
  void aQuantityWithoutACodeIsFoundByItsUnitAndOneOfAnotherSystemHasNoCanonicalForm() {
    QuantityEntry unitOnly = index(ParamType.QUANTITY, new Quantity().setValue(2).setUnit("kg")).quantities().get(0);
    QuantityEntry snomed = index(ParamType.QUANTITY, new Quantity().setValue(2).setSystem("http://snomed.info/sct")
        .setCode("258684004")).quantities().get(0);

    assertThat(unitOnly.code()).isEqualTo("kg");
    assertThat(unitOnly.canonicalUnit()).isEqualTo("g");
    assertThat(unitOnly.canonicalValue()).isEqualByComparingTo("2000");
    assertThat(snomed.canonicalValue()).isNull();
    assertThat(snomed.canonicalUnit()).isNull();
  }

  @Test
  void moneyIsAQuantityInItsIsoCurrency() {
    Money money = new Money().setValue(new BigDecimal("12.50")).setCurrency("EUR");

    assertThat(index(ParamType.QUANTITY, money).quantities())
        .extracting(QuantityEntry::value, QuantityEntry::system, QuantityEntry::code, QuantityEntry::canonicalValue)
        .containsExactly(tuple(new BigDecimal("12.50"), "urn:iso:std:iso:4217", "EUR", null));
  }

  @Test
  void aRangeIsIndexedByTheBoundsItHas() {
    Range range = new Range().setLow(new Quantity().setValue(1).setSystem(Units.UCUM).setCode("a"));

    assertThat(index(ParamType.QUANTITY, range).quantities()).extracting(QuantityEntry::value)
        .containsExactly(BigDecimal.ONE);
  }

  @Test
  void aLocalReferenceNamesItsTypeAndIdWhateverVersionItNames() {
    assertThat(index(ParamType.REFERENCE, new Reference("Patient/123")).references())
        .containsExactly(new ReferenceEntry("p", "Patient", "123", null, null));
    assertThat(index(ParamType.REFERENCE, new Reference("Patient/123/_history/2")).references())
        .containsExactly(new ReferenceEntry("p", "Patient", "123", null, null));
  }

  @Test
  void absoluteAndCanonicalReferencesAreKeptAsUrls() {
    assertThat(index(ParamType.REFERENCE, new Reference("http://other.org/fhir/Patient/9")).references())
        .containsExactly(new ReferenceEntry("p", null, null, "http://other.org/fhir/Patient/9", null));
    assertThat(index(ParamType.REFERENCE, new CanonicalType("http://x.org/ValueSet/vs|1.2")).references())
        .containsExactly(new ReferenceEntry("p", null, null, "http://x.org/ValueSet/vs", "1.2"));
    assertThat(index(ParamType.REFERENCE, new UriType("urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7"))
        .references()).extracting(ReferenceEntry::url).containsExactly("urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7");
  }

  @Test
  void aContainedOrUnknownTypedReferenceIsNoTarget() {
    assertThat(index(ParamType.REFERENCE, new Reference("#p1")).size()).isZero();
    assertThat(index(ParamType.REFERENCE, new Reference("Nonsense/1")).size()).isZero();
    assertThat(index(ParamType.REFERENCE, new Reference().setDisplay("Dr. Who")).size()).isZero();
  }

  @Test
  void aReferencesIdentifierServesTheIdentifierModifier() {
    Reference reference = new Reference().setIdentifier(new Identifier().setSystem("urn:npi").setValue("99"));

    SearchIndex index = index(ParamType.REFERENCE, reference);

    assertThat(index.references()).isEmpty();
    assertThat(index.tokens()).extracting(TokenEntry::param, TokenEntry::system, TokenEntry::code)
        .containsExactly(tuple("p:identifier", "urn:npi", "99"));
  }

  @Test
  void aReferenceToAResourceObjectUsesThatResourcesId() {
    Patient patient = new Patient();
    patient.setId("Patient/42");

    assertThat(index(ParamType.REFERENCE, new Reference(patient)).references())
        .containsExactly(new ReferenceEntry("p", "Patient", "42", null, null));
  }

  @Test
  void urisAndPositionsAreKeptAsTheyAre() {
    Location.LocationPositionComponent position = new Location.LocationPositionComponent()
        .setLatitude(42.25).setLongitude(-83.69);

    assertThat(index(ParamType.URI, new UriType("http://acme.org/fhir/ValueSet/1")).uris())
        .extracting(SearchIndex.UriEntry::uri).containsExactly("http://acme.org/fhir/ValueSet/1");
    assertThat(index(ParamType.SPECIAL, position).positions())
        .containsExactly(new SearchIndex.PositionEntry("p", 42.25, -83.69));
    assertThat(index(ParamType.SPECIAL, new Location.LocationPositionComponent().setLatitude(1)).size()).isZero();
  }

  @Test
  void valuesATypeCannotIndexAreSkipped() {
    assertThat(index(ParamType.QUANTITY, new StringType("5 mg")).size()).isZero();
    assertThat(index(ParamType.REFERENCE, new StringType("Patient/1")).size()).isZero();
    assertThat(index(ParamType.URI, new UriType()).size()).isZero();
  }

  @Test
  void theQualifiersOfACompositeAreItsFirstComponentsTokensOrReferenceText() {
    CodeableConcept code = new CodeableConcept();
    code.addCoding().setSystem("http://loinc.org").setCode("8480-6");
    code.addCoding().setSystem("http://snomed.info/sct").setCode("271649006");

    assertThat(VALUES.qualifiers(code)).containsExactly(new Qualifier("http://loinc.org", "8480-6"),
        new Qualifier("http://snomed.info/sct", "271649006"));
    assertThat(VALUES.qualifiers(new Reference("DocumentReference/123")))
        .containsExactly(new Qualifier(null, "DocumentReference/123"));
    assertThat(VALUES.qualifiers(new Reference().setDisplay("none"))).isEmpty();
  }

  @Test
  void aThreePartCompositeIndexesBothNumbersInOneEntryOrNothing() {
    Qualifier chromosome = new Qualifier(null, "1");
    SearchIndex.Builder both = new SearchIndex.Builder();
    SearchIndex.Builder half = new SearchIndex.Builder();

    VALUES.numbers(both, "p", chromosome, new IntegerType(22125500), new IntegerType(22125600));
    VALUES.numbers(half, "p", chromosome, new IntegerType(22125500), new IntegerType());

    assertThat(both.build().numbers()).containsExactly(new NumberEntry("p", BigDecimal.valueOf(22125500),
        BigDecimal.valueOf(22125600), chromosome));
    assertThat(half.build().size()).isZero();
  }

  private static SearchIndex index(ParamType type, Base value) {
    SearchIndex.Builder index = new SearchIndex.Builder();
    VALUES.add(index, type, "p", null, value);
    return index.build();
  }

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }
}
