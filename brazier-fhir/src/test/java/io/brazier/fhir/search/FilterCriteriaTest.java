package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.AllOf;
import io.brazier.fhir.search.Criterion.AnyOf;
import io.brazier.fhir.search.Criterion.Chain;
import io.brazier.fhir.search.Criterion.DateMatch;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.Criterion.LastUpdatedMatch;
import io.brazier.fhir.search.Criterion.Missing;
import io.brazier.fhir.search.Criterion.Not;
import io.brazier.fhir.search.Criterion.NumberMatch;
import io.brazier.fhir.search.Criterion.QuantityMatch;
import io.brazier.fhir.search.Criterion.ReferenceMatch;
import io.brazier.fhir.search.Criterion.ReferenceValue;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.StringMode;
import io.brazier.fhir.search.Criterion.TextMatch;
import io.brazier.fhir.search.Criterion.TokenMatch;
import io.brazier.fhir.search.Criterion.TokenValue;
import io.brazier.fhir.search.Criterion.UriMatch;
import io.brazier.fhir.search.Criterion.UriMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code _filter} (https://hl7.org/fhir/R4/search_filter.html) compiled onto the criteria of the equivalent ordinary
 * parameters.
 */
class FilterCriteriaTest {
  private static final QueryParser.Options STRICT = new QueryParser.Options(true, "http://localhost/fhir",
      Terminology.NONE);
  private static final QueryParser.Options LENIENT = new QueryParser.Options(false, "http://localhost/fhir",
      Terminology.NONE);
  private static final QueryParser PARSER = new FhirSearch(new Fhir(false)).parser();

  @Test
  void stringOperatorsCompareFoldedValuesAsTheirNamesSay() {
    assertThat(patient("name eq peter")).isEqualTo(new StringMatch("name", StringMode.EQUALS, List.of("peter")));
    assertThat(patient("name co ete")).isEqualTo(new StringMatch("name", StringMode.CONTAINS, List.of("ete")));
    assertThat(patient("name sw pe")).isEqualTo(new StringMatch("name", StringMode.STARTS_WITH, List.of("pe")));
    assertThat(patient("name ew er")).isEqualTo(new StringMatch("name", StringMode.ENDS_WITH, List.of("er")));
    assertThat(patient("name ne peter"))
        .isEqualTo(new Not(new StringMatch("name", StringMode.EQUALS, List.of("peter"))));
  }

  @Test
  void aCommaInAFilterValueIsPartOfTheValueNotASeparator() {
    assertThat(patient("name eq \"Smith, John\""))
        .isEqualTo(new StringMatch("name", StringMode.EQUALS, List.of("Smith, John")));
    assertThat(patient("identifier eq urn:x|a,b"))
        .isEqualTo(new TokenMatch("identifier", List.of(new TokenValue("urn:x", "a,b", true)), false));
  }

  @Test
  void aBackslashInAFilterValueIsPartOfTheValue() {
    assertThat(patient("name eq \"a\\\\b\"")).isEqualTo(new StringMatch("name", StringMode.EQUALS, List.of("a\\b")));
  }

  @Test
  void dateComparisonsAreTheParametersPrefixes() {
    DateMatch ge = (DateMatch) patient("birthdate ge 2014");
    DateMatch lt = (DateMatch) patient("birthdate lt 2014-06-01");

    assertThat(ge.values()).containsExactly(ValueParser.date("birthdate", "ge2014"));
    assertThat(lt.values()).containsExactly(ValueParser.date("birthdate", "lt2014-06-01"));
  }

  @Test
  void poOnADateIsAnOverlapOfItsSpan() {
    DateMatch overlaps = (DateMatch) patient("birthdate po 2014");
    LastUpdatedMatch lastUpdated = (LastUpdatedMatch) patient("_lastUpdated po 2020-02");

    assertThat(overlaps.values()).containsExactly(new DateValue(Prefix.PO, DateRange.parse("2014")));
    assertThat(lastUpdated.values()).containsExactly(new DateValue(Prefix.PO, DateRange.parse("2020-02")));
    assertBadRequest(() -> patient("birthdate po ge2014"), "po takes a date without a prefix");
  }

  @Test
  void numberAndQuantityComparisonsAreTheirPrefixes() {
    NumberMatch probability = (NumberMatch) parse("RiskAssessment", "probability gt 0.8");
    QuantityMatch value = (QuantityMatch) parse("Observation", "value-quantity le 5.4|http://unitsofmeasure.org|mg");

    assertThat(probability.values()).containsExactly(ValueParser.number("probability", "gt0.8"));
    assertThat(value.values().get(0).number().prefix()).isEqualTo(Prefix.LE);
    assertThat(value.values().get(0).code()).isEqualTo("g");
  }

  @Test
  void tokenOperatorsAreTheTokenModifiers() {
    assertThat(patient("gender eq female"))
        .isEqualTo(new TokenMatch("gender", List.of(new TokenValue(null, "female", false)), false));
    assertThat(patient("gender ne female"))
        .isEqualTo(new TokenMatch("gender", List.of(new TokenValue(null, "female", false)), true));
    // Without a terminology, :in, :not-in, :above and :below say what they need: the operator reached them.
    assertBadRequest(() -> patient("language in http://hl7.org/fhir/ValueSet/languages"), ":in and :not-in");
    assertBadRequest(() -> patient("language ni http://hl7.org/fhir/ValueSet/languages"), ":in and :not-in");
    assertBadRequest(() -> parse("Condition", "code ss http://snomed.info/sct|1"), ":above");
    assertBadRequest(() -> parse("Condition", "code sb http://snomed.info/sct|1"), ":below");
  }

  @Test
  void referenceOperatorsMatchOrExcludeTheTarget() {
    ReferenceMatch subject = new ReferenceMatch("subject", List.of(new ReferenceValue("Patient", "1", null, null)));

    assertThat(parse("Observation", "subject eq Patient/1")).isEqualTo(subject);
    assertThat(parse("Observation", "subject re Patient/1")).isEqualTo(subject);
    assertThat(parse("Observation", "subject ne Patient/1")).isEqualTo(new Not(subject));
  }

  @Test
  void uriStartsWithIsBelowAndSubsumesIsAbove() {
    assertThat(parse("ValueSet", "url sw http://acme.org/fhir/"))
        .isEqualTo(new UriMatch("url", UriMode.BELOW, List.of("http://acme.org/fhir/")));
    assertThat(parse("ValueSet", "url ss http://acme.org/fhir/ValueSet/1"))
        .isEqualTo(new UriMatch("url", UriMode.ABOVE, List.of("http://acme.org/fhir/ValueSet/1")));
    assertThat(parse("ValueSet", "url ne http://acme.org/x"))
        .isEqualTo(new Not(new UriMatch("url", UriMode.EQUALS, List.of("http://acme.org/x"))));
  }

  @Test
  void presentIsTheOppositeOfMissing() {
    assertThat(patient("birthdate pr true")).isEqualTo(new Missing("birthdate", ParamType.DATE, false));
    assertThat(patient("birthdate pr false")).isEqualTo(new Missing("birthdate", ParamType.DATE, true));
    assertBadRequest(() -> patient("birthdate pr yes"), "pr takes true or false");
  }

  @Test
  void idTextAndContentTakeTheirOwnOperators() {
    assertThat(patient("_id eq a1")).isEqualTo(new IdMatch(List.of("a1"), false));
    assertThat(patient("_id ne a1")).isEqualTo(new IdMatch(List.of("a1"), true));
    assertThat(patient("_content co \"heart attack\"")).isInstanceOf(TextMatch.class);
    assertBadRequest(() -> patient("_id co a"), "the operator co does not apply to _id");
  }

  @Test
  void andOrAndNotCombineCriteriaAndTopLevelAndsStandAlone() {
    SearchQuery and = query("Patient", "name eq a and gender eq male", STRICT);
    Criterion or = patient("name eq a or gender eq male");
    Criterion not = patient("not (name eq a and gender eq male)");

    assertThat(and.criteria()).hasSize(2);
    assertThat(or).isInstanceOfSatisfying(AnyOf.class, any -> assertThat(any.alternatives()).hasSize(2));
    assertThat(not).isInstanceOfSatisfying(Not.class, n -> assertThat(n.inner()).isInstanceOf(AllOf.class));
  }

  @Test
  void aChainFollowsTheReferenceToTheTypesThatHaveTheParameter() {
    Chain chain = (Chain) parse("Observation", "subject.name eq peter");

    assertThat(chain.param()).isEqualTo("subject");
    assertThat(chain.targetTypes()).as("of Patient, Group, Device and Location, those that have a name")
        .containsExactlyInAnyOrder("Patient", "Location");
    assertThat(chain.inner()).isEqualTo(new StringMatch("name", StringMode.EQUALS, List.of("peter")));
  }

  @Test
  void aFilterOnAChainsLinkMustHoldBesideTheRestOfTheChain() {
    Chain chain = (Chain) parse("Observation", "patient[gender eq male].name eq peter");

    assertThat(chain.inner()).isInstanceOfSatisfying(AllOf.class, all -> assertThat(all.criteria()).containsExactly(
        new TokenMatch("gender", List.of(new TokenValue(null, "male", false)), false),
        new StringMatch("name", StringMode.EQUALS, List.of("peter"))));
  }

  @Test
  void anOperatorTheParametersTypeCannotTakeIsABadRequestThatSaysWhere() {
    assertBadRequest(() -> patient("name gt x"),
        "_filter, at character 1 ('name gt x'): the operator gt does not apply to string parameter name");
    assertBadRequest(() -> patient("gender eq male and birthdate co 2014"),
        "at character 20 ('birthdate co 2014'): the operator co does not apply to date parameter birthdate");
    assertBadRequest(() -> patient("gender sw m"), "does not apply to token parameter gender");
  }

  @Test
  void anUnknownParameterIsABadRequestEvenInALenientSearch() {
    assertThatThrownBy(() -> query("Patient", "gender eq male and colour eq red", LENIENT))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("at character 20 ('colour eq red')").hasMessageContaining("'colour' is not known");
  }

  @Test
  void aBadValueIsABadRequestThatSaysWhere() {
    assertBadRequest(() -> patient("birthdate eq soon"), "_filter, at character 1");
  }

  @Test
  void searchLevelParametersCannotBeNestedInAFilter() {
    assertBadRequest(() -> patient("_has eq x"), "_has cannot be used inside _filter");
    assertBadRequest(() -> patient("_filter eq x"), "_filter cannot be used inside _filter");
    assertBadRequest(() -> patient("_type eq Patient"), "_type cannot be used inside _filter");
  }

  @Test
  void theFilterTakesNoModifier() {
    assertThatThrownBy(() -> PARSER.parse(List.of("Patient"), Map.of("_filter:exact", List.of("name eq a")), STRICT))
        .isInstanceOf(FhirException.class).hasMessageContaining("_filter takes no modifier");
  }

  @Test
  void theStartOfAnErrorPointsAtTheCharacterAndWhatFollows() {
    assertThat(FilterCriteria.where("name eq a", 5)).isEqualTo("_filter, at character 6 ('eq a'): ");
    assertThat(FilterCriteria.where("name eq a", 9)).isEqualTo("_filter, at character 10 (the end): ");
    assertThat(FilterCriteria.where("x".repeat(40), 0)).contains("'" + "x".repeat(30) + "...'");
  }

  private static Criterion patient(String filter) {
    return parse("Patient", filter);
  }

  private static Criterion parse(String type, String filter) {
    List<Criterion> criteria = query(type, filter, STRICT).criteria();
    assertThat(criteria).hasSize(1);
    return criteria.get(0);
  }

  private static SearchQuery query(String type, String filter, QueryParser.Options options) {
    return PARSER.parse(List.of(type), Map.of("_filter", List.of(filter)), options);
  }

  private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }
}
