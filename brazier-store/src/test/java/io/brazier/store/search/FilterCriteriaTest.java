package io.brazier.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.TestStore;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code _filter} compiled onto the criteria of ordinary parameters and run by the store's planner: each operator
 * family and the logical operators, on three patients whose expected matches are worked out by hand.
 */
class FilterCriteriaTest {
  private final TestStore store = TestStore.shared();
  private final TestStore.Tagged tagged = store.tagged();
  private String peter;
  private String petra;
  private String ann;

  /** Peter Chalmers (male, 1974, mrn 1), Petra Chalmerson (female, 2014-10-10, mrn 2), Ann Smith (female, no date). */
  @BeforeEach
  void patients() {
    peter = save(patient("Chalmers", "Peter", AdministrativeGender.MALE, "1974-12-25", "1"));
    petra = save(patient("Chalmerson", "Petra", AdministrativeGender.FEMALE, "2014-10-10", "2"));
    ann = save(patient("Smith", "Ann", AdministrativeGender.FEMALE, null, null));
  }

  @Test
  void stringOperatorsCompareFoldedValues() {
    assertThat(filter("Patient", "family eq \"CHALMERS\"")).containsExactly(peter);
    assertThat(filter("Patient", "family sw chal")).containsExactlyInAnyOrder(peter, petra);
    assertThat(filter("Patient", "family co \"ALM\"")).containsExactlyInAnyOrder(peter, petra);
    assertThat(filter("Patient", "family ew son")).containsExactly(petra);
    assertThat(filter("Patient", "family ne chalmers")).containsExactlyInAnyOrder(petra, ann);
    assertThat(filter("Patient", "name co \"etr\"")).containsExactly(petra);
  }

  @Test
  void tokenOperatorsMatchCodesAndSystems() {
    assertThat(filter("Patient", "gender eq male")).containsExactly(peter);
    assertThat(filter("Patient", "gender ne male")).containsExactlyInAnyOrder(petra, ann);
    assertThat(filter("Patient", "identifier eq urn:mrn|2")).containsExactly(petra);
    assertThat(filter("Patient", "identifier pr false")).containsExactly(ann);
    assertThat(filter("Patient", "identifier pr true")).containsExactlyInAnyOrder(peter, petra);
  }

  @Test
  void dateOperatorsCompareSpans() {
    assertThat(filter("Patient", "birthdate eq 1974")).containsExactly(peter);
    assertThat(filter("Patient", "birthdate ne 1974")).containsExactly(petra);
    assertThat(filter("Patient", "birthdate ge 2014-10-10")).containsExactly(petra);
    assertThat(filter("Patient", "birthdate gt 2014-10-10")).isEmpty();
    assertThat(filter("Patient", "birthdate lt 2000")).containsExactly(peter);
    assertThat(filter("Patient", "birthdate le 1974-12-25")).containsExactly(peter);
    assertThat(filter("Patient", "birthdate sa 2000")).containsExactly(petra);
    assertThat(filter("Patient", "birthdate eb 2000")).containsExactly(peter);
    assertThat(filter("Patient", "birthdate po 2014-10")).containsExactly(petra);
    assertThat(filter("Patient", "birthdate ap 1974-12-20")).containsExactly(peter);
    assertThat(filter("Patient", "birthdate pr false")).containsExactly(ann);
    assertThat(filter("Patient", "_lastUpdated gt 2000-01-01")).containsExactlyInAnyOrder(peter, petra, ann);
  }

  @Test
  void numberAndQuantityOperatorsTakeTheComparisonPrefixes() {
    String low = save(risk("0.2"));
    String high = save(risk("0.8"));
    String mg = save(weighed("5.4", "mg"));
    String g = save(weighed("10", "g"));

    assertThat(filter("RiskAssessment", "probability gt 0.5")).containsExactly(high);
    assertThat(filter("RiskAssessment", "probability le 0.2")).containsExactly(low);
    assertThat(filter("RiskAssessment", "probability eq 0.8")).containsExactly(high);
    assertThat(filter("RiskAssessment", "probability ne 0.8")).containsExactly(low);
    assertThat(filter("Observation", "value-quantity lt 100|http://unitsofmeasure.org|mg")).containsExactly(mg);
    assertThat(filter("Observation", "value-quantity eq 10000|http://unitsofmeasure.org|mg")).containsExactly(g);
    assertThat(filter("Observation", "value-quantity ge 5.4")).containsExactlyInAnyOrder(mg, g);
  }

  @Test
  void referenceOperatorsAndChainsFollowTheSubject() {
    String ofPeter = save(observedOn(peter));
    String ofPetra = save(observedOn(petra));

    assertThat(filter("Observation", "subject eq Patient/" + peter)).containsExactly(ofPeter);
    assertThat(filter("Observation", "subject re Patient/" + petra)).containsExactly(ofPetra);
    assertThat(filter("Observation", "subject ne Patient/" + peter)).containsExactly(ofPetra);
    assertThat(filter("Observation", "subject.family sw chal")).containsExactlyInAnyOrder(ofPeter, ofPetra);
    assertThat(filter("Observation", "subject[gender eq female].family sw chal")).containsExactly(ofPetra);
    assertThat(filter("Observation", "subject.birthdate lt 2000")).containsExactly(ofPeter);
  }

  @Test
  void uriAndIdOperators() {
    Patient profiled = patient("Profiled", "P", AdministrativeGender.OTHER, null, null);
    profiled.getMeta().addProfile("http://example.org/fhir/StructureDefinition/special");
    String special = save(profiled);

    assertThat(filter("Patient", "_profile eq http://example.org/fhir/StructureDefinition/special"))
        .containsExactly(special);
    assertThat(filter("Patient", "_profile sb http://example.org/fhir")).containsExactly(special);
    assertThat(filter("Patient", "_profile ss http://example.org/fhir/StructureDefinition/special/x"))
        .containsExactly(special);
    assertThat(filter("Patient", "_id eq " + peter)).containsExactly(peter);
    assertThat(filter("Patient", "_id ne " + peter)).containsExactlyInAnyOrder(petra, ann, special);
  }

  @Test
  void andBindsTighterThanOrAndParenthesesAndNotSayOtherwise() {
    assertThat(filter("Patient", "family sw chal and gender eq female")).containsExactly(petra);
    assertThat(filter("Patient", "gender eq male or birthdate pr false")).containsExactlyInAnyOrder(peter, ann);
    assertThat(filter("Patient", "family eq smith or family eq chalmers and gender eq female")).containsExactly(ann);
    assertThat(filter("Patient", "(family eq smith or family eq chalmers) and gender eq male"))
        .containsExactly(peter);
    assertThat(filter("Patient", "not (gender eq male)")).containsExactlyInAnyOrder(petra, ann);
    assertThat(filter("Patient", "not (family sw chal and not (birthdate lt 2000))"))
        .containsExactlyInAnyOrder(peter, ann);
    assertThat(filter("Patient", "((gender eq female)) AND NOT (family eq smith)")).containsExactly(petra);
  }

  @Test
  void aFilterCombinesWithOrdinaryParametersAndOtherFilters() {
    assertThat(tagged.find("Patient", "gender=female&_filter=" + encode("family sw chal or family eq smith")))
        .containsExactlyInAnyOrder(petra, ann);
    assertThat(tagged.find("Patient", "_filter=" + encode("gender eq female") + "&_filter="
        + encode("birthdate pr true"))).containsExactly(petra);
  }

  @Test
  void aCountOfAFilterEqualsItsMatches() {
    var query = store.parse("Patient", "_filter=" + encode("not (gender eq male) and family pr true") + "&"
        + tagged.scope());

    assertThat(store.store().count(query)).isEqualTo(2);
    assertThat(store.store().ids(query, 10)).containsExactlyInAnyOrder(petra, ann);
  }

  private List<String> filter(String type, String filter) {
    return tagged.find(type, "_filter=" + encode(filter));
  }

  private static String encode(String filter) {
    return URLEncoder.encode(filter, StandardCharsets.UTF_8);
  }

  private String save(Resource resource) {
    return tagged.save(resource);
  }

  private static Patient patient(String family, String given, AdministrativeGender gender, String birthDate,
      String mrn) {
    Patient patient = ValuesTest.patient(family, given).setGender(gender);
    if (birthDate != null) {
      patient.setBirthDateElement(new DateType(birthDate));
    }
    if (mrn != null) {
      patient.addIdentifier().setSystem("urn:mrn").setValue(mrn);
    }
    return patient;
  }

  private static RiskAssessment risk(String probability) {
    RiskAssessment risk = new RiskAssessment().setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    risk.addPrediction().setProbability(new org.hl7.fhir.r4.model.DecimalType(new BigDecimal(probability)));
    return risk;
  }

  private static Observation weighed(String value, String unit) {
    Observation observation = ValuesTest.observation("http://loinc.org", "29463-7");
    observation.setValue(ValuesTest.ucum(value, unit));
    return observation;
  }

  private static Observation observedOn(String patient) {
    return ValuesTest.observation("http://loinc.org", "8867-4").setSubject(new Reference("Patient/" + patient));
  }
}
