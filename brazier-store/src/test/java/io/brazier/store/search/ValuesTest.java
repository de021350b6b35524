package io.brazier.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.TestStore;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/** Each parameter type's matching rules, on resources whose expected matches are worked out by hand. */
class ValuesTest {
  private final TestStore store = TestStore.shared();
  private final TestStore.Tagged tagged = store.tagged();

  private String save(Resource resource) {
    return tagged.save(resource);
  }

  private List<String> find(String type, String query) {
    return tagged.find(type, query);
  }

  @Test
  void aStringMatchesTheStartOfAnyNamePartIgnoringCaseAndAccents() {
    String peter = save(patient("Péterson", "Zoë"));
    String petra = save(patient("Smith", "Petra"));
    save(patient("Carpet", "Ann"));

    assertThat(find("Patient", "name=pet")).containsExactlyInAnyOrder(peter, petra);
    assertThat(find("Patient", "name=PETERSON")).containsExactly(peter);
    assertThat(find("Patient", "given=zoe")).containsExactly(peter);
    assertThat(find("Patient", "family=son")).isEmpty();
  }

  @Test
  void exactMatchesTheWholeStringAsWrittenAndContainsAnyPartOfIt() {
    String peter = save(patient("Peter", "A"));
    String lower = save(patient("peter", "B"));
    String carpeter = save(patient("Carpeter", "C"));

    assertThat(find("Patient", "family:exact=Peter")).containsExactly(peter);
    assertThat(find("Patient", "family:exact=Pete")).isEmpty();
    assertThat(find("Patient", "family:contains=ETE")).containsExactlyInAnyOrder(peter, lower, carpeter);
  }

  @Test
  void containsTakesPercentUnderscoreAndBackslashLiterally() {
    String percent = save(patient("Save 10% now", "A"));
    String underscore = save(patient("snake_case", "B"));
    String backslash = save(patient("back\\slash", "C"));
    save(patient("Save 10 now", "D"));
    save(patient("snakeXcase", "E"));

    assertThat(find("Patient", "family:contains=10%25")).containsExactly(percent);
    assertThat(find("Patient", "family:contains=e_c")).containsExactly(underscore);
    assertThat(find("Patient", "family:contains=k\\\\s")).containsExactly(backslash);
    assertThat(find("Patient", "family:contains=%25")).containsExactly(percent);
  }

  @Test
  void aTokenMatchesByCodeSystemOrBothAndAnEmptySystemMeansNone() {
    Patient withSystem = patient("A", "A");
    withSystem.addIdentifier().setSystem("http://hospital/mrn").setValue("123");
    String a = save(withSystem);
    Patient without = patient("B", "B");
    without.addIdentifier().setValue("123");
    String b = save(without);
    Patient other = patient("C", "C");
    other.addIdentifier().setSystem("http://hospital/mrn").setValue("456");
    String c = save(other);

    assertThat(find("Patient", "identifier=123")).containsExactlyInAnyOrder(a, b);
    assertThat(find("Patient", "identifier=http://hospital/mrn|123")).containsExactly(a);
    assertThat(find("Patient", "identifier=|123")).containsExactly(b);
    assertThat(find("Patient", "identifier=http://hospital/mrn|")).containsExactlyInAnyOrder(a, c);
    assertThat(find("Patient", "identifier=123,456")).containsExactlyInAnyOrder(a, b, c);
  }

  @Test
  void notMatchesResourcesWithoutTheCodeIncludingThoseWithNoneAtAll() {
    String female = save(patient("A", "A").setGender(AdministrativeGender.FEMALE));
    String male = save(patient("B", "B").setGender(AdministrativeGender.MALE));
    String none = save(patient("C", "C"));

    assertThat(find("Patient", "gender:not=male")).containsExactlyInAnyOrder(female, none);
    assertThat(find("Patient", "gender=http://hl7.org/fhir/administrative-gender|male")).containsExactly(male);
  }

  @Test
  void textSearchesTheDisplaysOfCodesAndOfTypeMatchesIdentifierTypeAndValue() {
    Observation height = observation("http://loinc.org", "8302-2");
    height.getCode().getCodingFirstRep().setDisplay("Body Height");
    String h = save(height);
    Patient patient = patient("A", "A");
    patient.addIdentifier().setValue("77").getType().addCoding(
        new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null));
    String p = save(patient);

    assertThat(find("Observation", "code:text=body hei")).containsExactly(h);
    assertThat(find("Observation", "code:text=height")).isEmpty();
    assertThat(find("Patient", "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|77"))
        .containsExactly(p);
    assertThat(find("Patient", "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|SS|77")).isEmpty();
  }

  @Test
  void aDateMatchesWithinThePrecisionOfTheSearchedValue() {
    String may1970 = save(patient("A", "A").setBirthDateElement(new DateType("1970-05-05")));
    String jan1971 = save(patient("B", "B").setBirthDateElement(new DateType("1971-01-01")));

    assertThat(find("Patient", "birthdate=1970")).containsExactly(may1970);
    assertThat(find("Patient", "birthdate=1970-05")).containsExactly(may1970);
    assertThat(find("Patient", "birthdate=1970-05-06")).isEmpty();
    assertThat(find("Patient", "birthdate=ne1970")).containsExactly(jan1971);
    assertThat(find("Patient", "birthdate=ge1970-06")).containsExactly(jan1971);
    assertThat(find("Patient", "birthdate=le1970-05-05")).containsExactly(may1970);
    assertThat(find("Patient", "birthdate=lt1971")).containsExactly(may1970);
    assertThat(find("Patient", "birthdate=gt1970-12-31")).containsExactly(jan1971);
  }

  @Test
  void aPeriodMatchesEqOnlyWhenTheSearchedValueContainsItAndTheOtherPrefixesByOverlap() {
    Observation january = observation("http://loinc.org", "1");
    january.setEffective(new Period().setStartElement(new DateTimeType("2020-01-01T00:00:00Z"))
        .setEndElement(new DateTimeType("2020-01-31T23:00:00Z")));
    String period = save(january);

    assertThat(find("Observation", "date=2020-01")).containsExactly(period);
    assertThat(find("Observation", "date=2020-01-15")).isEmpty();
    assertThat(find("Observation", "date=gt2020-01-15")).containsExactly(period);
    assertThat(find("Observation", "date=lt2020-01-15")).containsExactly(period);
    assertThat(find("Observation", "date=ge2020-02")).isEmpty();
    assertThat(find("Observation", "date=sa2019")).containsExactly(period);
    assertThat(find("Observation", "date=sa2020-01-15")).isEmpty();
    assertThat(find("Observation", "date=eb2020-02")).containsExactly(period);
    assertThat(find("Observation", "date=eb2020-01-31")).isEmpty();
  }

  @Test
  void anOpenPeriodReachesToTheEndOfTime() {
    Observation ongoing = observation("http://loinc.org", "1");
    ongoing.setEffective(new Period().setStartElement(new DateTimeType("2020-01-01T00:00:00Z")));
    String open = save(ongoing);

    assertThat(find("Observation", "date=gt2999")).containsExactly(open);
    assertThat(find("Observation", "date=lt2020")).isEmpty();
  }

  @Test
  void approximatelyMatchesDatesNearTheSearchedOne() {
    String near = save(patient("A", "A").setBirthDateElement(new DateType("2000-01-10")));
    save(patient("B", "B").setBirthDateElement(new DateType("1950-01-10")));

    assertThat(find("Patient", "birthdate=ap2000-01-01")).containsExactly(near);
  }

  @Test
  void aNumberMatchesWithinTheRangeItsPrecisionImplies() {
    String point8 = save(risk(new BigDecimal("0.8")));
    String point84 = save(risk(new BigDecimal("0.84")));
    String point9 = save(risk(new BigDecimal("0.9")));

    assertThat(find("RiskAssessment", "probability=0.8")).containsExactlyInAnyOrder(point8, point84);
    assertThat(find("RiskAssessment", "probability=0.80")).containsExactly(point8);
    assertThat(find("RiskAssessment", "probability=gt0.8")).containsExactlyInAnyOrder(point84, point9);
    assertThat(find("RiskAssessment", "probability=le0.84")).containsExactlyInAnyOrder(point8, point84);
    assertThat(find("RiskAssessment", "probability=ap0.85")).containsExactlyInAnyOrder(point8, point84, point9);
    assertThat(find("RiskAssessment", "probability=ne0.9")).containsExactlyInAnyOrder(point8, point84);
  }

  @Test
  void aQuantityMatchesInAnyEquivalentUcumUnit() {
    String milligrams = save(observation("http://loinc.org", "1").setValue(ucum("5.4", "mg")));
    String grams = save(observation("http://loinc.org", "1").setValue(ucum("1", "g")));

    assertThat(find("Observation", "value-quantity=5.4|http://unitsofmeasure.org|mg")).containsExactly(milligrams);
    assertThat(find("Observation", "value-quantity=0.0054|http://unitsofmeasure.org|g")).containsExactly(milligrams);
    assertThat(find("Observation", "value-quantity=5.4||mg")).containsExactly(milligrams);
    assertThat(find("Observation", "value-quantity=gt100|http://unitsofmeasure.org|mg")).containsExactly(grams);
    assertThat(find("Observation", "value-quantity=5")).containsExactly(milligrams);
    assertThat(find("Observation", "value-quantity=lt2")).containsExactly(grams);
  }

  @Test
  void aTemperatureMatchesInCelsiusFahrenheitOrKelvin() {
    String celsius = save(observation("http://loinc.org", "8310-5").setValue(ucum("37", "Cel")));
    String fahrenheit = save(observation("http://loinc.org", "8310-5").setValue(ucum("98.6", "[degF]")));
    String kelvin = save(observation("http://loinc.org", "8310-5").setValue(ucum("310.15", "K")));
    String fever = save(observation("http://loinc.org", "8310-5").setValue(ucum("39", "Cel")));
    String cold = save(observation("http://loinc.org", "8310-5").setValue(ucum("37", "K")));

    assertThat(find("Observation", "value-quantity=37|http://unitsofmeasure.org|Cel"))
        .containsExactlyInAnyOrder(celsius, fahrenheit, kelvin);
    assertThat(find("Observation", "value-quantity=98.6|http://unitsofmeasure.org|[degF]"))
        .containsExactlyInAnyOrder(celsius, fahrenheit, kelvin);
    assertThat(find("Observation", "value-quantity=gt100|http://unitsofmeasure.org|[degF]")).containsExactly(fever);
    assertThat(find("Observation", "value-quantity=lt0|http://unitsofmeasure.org|Cel")).containsExactly(cold);
  }

  @Test
  void aQuantityInAnotherSystemMatchesOnlyItsOwnSystemAndCode() {
    Quantity tablets = new Quantity().setValue(2).setSystem("http://example.org/units").setCode("tbl");
    String t = save(observation("http://loinc.org", "1").setValue(tablets));

    assertThat(find("Observation", "value-quantity=2|http://example.org/units|tbl")).containsExactly(t);
    assertThat(find("Observation", "value-quantity=2|http://other.org/units|tbl")).isEmpty();
    assertThat(find("Observation", "value-quantity=2||tbl")).containsExactly(t);
  }

  @Test
  void aReferenceMatchesByTypeAndIdByIdAloneAndByAbsoluteUrlOfThisServer() {
    String patient = save(patient("A", "A"));
    Observation observation = observation("http://loinc.org", "1");
    observation.getSubject().setReference("Patient/" + patient);
    String o = save(observation);
    Observation other = observation("http://loinc.org", "1");
    other.getSubject().setReference("Group/" + patient);
    String g = save(other);

    assertThat(find("Observation", "subject=Patient/" + patient)).containsExactly(o);
    assertThat(find("Observation", "subject=" + patient)).containsExactlyInAnyOrder(o, g);
    assertThat(find("Observation", "subject:Patient=" + patient)).containsExactly(o);
    assertThat(find("Observation", "patient=" + patient)).containsExactly(o);
    assertThat(find("Observation", "subject=http://localhost/fhir/Patient/" + patient)).containsExactly(o);
  }

  @Test
  void aReferenceMatchesByTheIdentifierItCarries() {
    Observation observation = observation("http://loinc.org", "1");
    observation.getSubject().getIdentifier().setSystem("http://ssn").setValue("999");
    String o = save(observation);

    assertThat(find("Observation", "subject:identifier=http://ssn|999")).containsExactly(o);
    assertThat(find("Observation", "subject:identifier=http://ssn|111")).isEmpty();
  }

  @Test
  void aUriMatchesExactlyAndAboveAndBelow() {
    ValueSet valueSet = new ValueSet();
    valueSet.setUrl("http://acme.org/fhir/ValueSet/123");
    String vs = save(valueSet);

    assertThat(find("ValueSet", "url=http://acme.org/fhir/ValueSet/123")).containsExactly(vs);
    assertThat(find("ValueSet", "url=http://acme.org/fhir/ValueSet")).isEmpty();
    assertThat(find("ValueSet", "url:below=http://acme.org/fhir")).containsExactly(vs);
    assertThat(find("ValueSet", "url:above=http://acme.org/fhir/ValueSet/123/_history/5")).containsExactly(vs);
    assertThat(find("ValueSet", "url:below=http://acme.org/other")).isEmpty();
  }

  @Test
  void aCompositeMatchesOnlyWhenBothValuesComeFromTheSameComponent() {
    Observation pressure = observation("http://loinc.org", "85354-9");
    pressure.addComponent().setValue(ucum("120", "mm[Hg]")).getCode().addCoding(
        new Coding("http://loinc.org", "8480-6", null));
    pressure.addComponent().setValue(ucum("80", "mm[Hg]")).getCode().addCoding(
        new Coding("http://loinc.org", "8462-4", null));
    String bp = save(pressure);

    assertThat(find("Observation", "component-code-value-quantity=http://loinc.org|8480-6$gt100")).containsExactly(bp);
    assertThat(find("Observation", "component-code-value-quantity=http://loinc.org|8462-4$gt100")).isEmpty();
    assertThat(find("Observation", "component-code-value-quantity=8462-4$80")).containsExactly(bp);
  }

  @Test
  void missingTellsResourcesWithoutAValueFromThoseWithOne() {
    String female = save(patient("A", "A").setGender(AdministrativeGender.FEMALE));
    String none = save(patient("B", "B"));

    assertThat(find("Patient", "gender:missing=true")).containsExactly(none);
    assertThat(find("Patient", "gender:missing=false")).containsExactly(female);
    assertThat(find("Patient", "birthdate:missing=true")).containsExactlyInAnyOrder(female, none);
  }

  @Test
  void nearFindsLocationsWithinTheDistanceOfAPlace() {
    Location boston = new Location();
    boston.getPosition().setLatitude(42.3601).setLongitude(-71.0589);
    String b = save(boston);
    Location worcester = new Location();
    worcester.getPosition().setLatitude(42.2626).setLongitude(-71.8023);
    String w = save(worcester);

    assertThat(find("Location", "near=42.36|-71.06|10|km")).containsExactly(b);
    assertThat(find("Location", "near=42.36|-71.06|70|km")).containsExactlyInAnyOrder(b, w);
    assertThat(find("Location", "near=42.36|-71.06|50|[mi_i]")).containsExactlyInAnyOrder(b, w);
    assertThat(find("Location", "near=42.36|-71.06|30|[mi_i]")).containsExactly(b);
  }

  static Patient patient(String family, String given) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven(given);
    return patient;
  }

  static Observation observation(String system, String code) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(system).setCode(code);
    return observation;
  }

  static Quantity ucum(String value, String unit) {
    return new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org").setCode(unit)
        .setUnit(unit);
  }

  private static RiskAssessment risk(BigDecimal probability) {
    RiskAssessment risk = new RiskAssessment();
    risk.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    risk.addPrediction().setProbability(new org.hl7.fhir.r4.model.DecimalType(probability));
    return risk;
  }
}
