package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.Chain;
import io.brazier.fhir.search.Criterion.CompositeMatch;
import io.brazier.fhir.search.Criterion.CompositeValue;
import io.brazier.fhir.search.Criterion.Has;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.Criterion.InList;
import io.brazier.fhir.search.Criterion.LastUpdatedMatch;
import io.brazier.fhir.search.Criterion.Missing;
import io.brazier.fhir.search.Criterion.ReferenceMatch;
import io.brazier.fhir.search.Criterion.ReferenceValue;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.StringMode;
import io.brazier.fhir.search.Criterion.TextMatch;
import io.brazier.fhir.search.Criterion.TokenMatch;
import io.brazier.fhir.search.Criterion.TokenValue;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParserTest {
  private static final QueryParser.Options OPTIONS =
      new QueryParser.Options(true, "http://localhost/fhir", Terminology.NONE);
  private static final QueryParser.Options LENIENT =
      new QueryParser.Options(false, "http://localhost/fhir", Terminology.NONE);

  private final QueryParser parser = new FhirSearch(new Fhir(false)).parser();

  @Test
  void aSearchMayCombineUpToTheLimitOfCriteria() {
    SearchQuery query = parse(Map.of("name", Collections.nCopies(QueryParser.MAX_CRITERIA, "x")));

    assertThat(query.criteria()).hasSize(QueryParser.MAX_CRITERIA);
  }

  @Test
  void moreCriteriaThanTheLimitAreABadRequestBeforeTheDatabaseTriesToPlanThem() {
    assertThatThrownBy(() -> parse(Map.of("name", Collections.nCopies(20_000, "x"))))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("at most " + QueryParser.MAX_CRITERIA + " criteria");
    String manyTerms = String.join(" and ", Collections.nCopies(QueryParser.MAX_CRITERIA + 1, "name eq x"));
    assertThatThrownBy(() -> parse(Map.of("_filter", List.of(manyTerms)))).isInstanceOf(FhirException.class);
  }


  @Test
  void valuesOfOneParameterAreAlternativesAndRepeatedParametersMustAllHold() {
    SearchQuery query = parse(Map.of("name", List.of("peter,paul", "smith")));

    assertThat(query.criteria()).containsExactly(
        new StringMatch("name", StringMode.STARTS_WITH, List.of("peter", "paul")),
        new StringMatch("name", StringMode.STARTS_WITH, List.of("smith")));
  }

  @Test
  void resultParametersSelectNothing() {
    SearchQuery query = parse(Map.of("_count", List.of("10"), "_summary", List.of("true"), "_elements",
        List.of("name"), "_total", List.of("accurate"), "_include", List.of("Patient:organization")));

    assertThat(query.criteria()).isEmpty();
    assertThat(query.includes()).hasSize(1);
  }

  @Test
  void stringsStartWithByDefaultAndExactOrContainsWhenModified() {
    assertThat(criterion("Patient", "name", "Pet"))
        .isEqualTo(new StringMatch("name", StringMode.STARTS_WITH, List.of("Pet")));
    assertThat(criterion("Patient", "name:exact", "Peter"))
        .isEqualTo(new StringMatch("name", StringMode.EXACT, List.of("Peter")));
    assertThat(criterion("Patient", "name:contains", "ete"))
        .isEqualTo(new StringMatch("name", StringMode.CONTAINS, List.of("ete")));
  }

  @Test
  void missingTakesTrueOrFalseOnEveryType() {
    assertThat(criterion("Patient", "birthdate:missing", "true"))
        .isEqualTo(new Missing("birthdate", ParamType.DATE, true));
    assertThat(criterion("Patient", "gender:missing", "false"))
        .isEqualTo(new Missing("gender", ParamType.TOKEN, false));
    assertBadRequest(() -> criterion("Patient", "gender:missing", "yes"), "takes true or false");
  }

  @Test
  void aModifierTheTypeDoesNotTakeIsABadRequestThatListsTheOnesItTakes() {
    assertBadRequest(() -> criterion("Patient", "birthdate:exact", "2000"),
        "Modifier :exact is not supported on date parameter birthdate; supported: missing");
    assertBadRequest(() -> criterion("Patient", "name:below", "x"), "supported: missing, exact, contains");
    assertBadRequest(() -> criterion("Patient", "_id:exact", "x"), "Modifier :exact is not supported on _id");
    assertBadRequest(() -> criterion("Patient", "_lastUpdated:exact", "2020"), "Modifier :exact");
  }

  @Test
  void missingOnTheSpecialParametersIsABadRequestRatherThanASearchForItsValue() {
    assertBadRequest(() -> criterion("Patient", "_list:missing", "true"), "Modifier :missing is not supported");
    assertBadRequest(() -> criterion("Patient", "_text:missing", "false"), "Modifier :missing is not supported");
  }

  @Test
  void listTakesTheIdsOfListsNotFunctionalListsNorReferences() {
    assertBadRequest(() -> criterion("Patient", "_list", "$current-problems"), "names a functional list");
    assertBadRequest(() -> criterion("Patient", "_list", "List/1"), "'List/1' is not the id of a List");
  }

  @Test
  void missingOnIdAndLastUpdatedTakesTrueOrFalseOnly() {
    assertBadRequest(() -> criterion("Patient", "_id:missing", "maybe"), "_id:missing takes true or false");
    assertBadRequest(() -> criterion("Patient", "_lastUpdated:missing", "1"), "_lastUpdated:missing takes true or");
  }

  @Test
  void anUnknownParameterIsABadRequestWhenStrictAndIgnoredAndNamedWhenLenient() {
    Map<String, List<String>> query = Map.of("colour", List.of("red"), "_query", List.of("x"));

    SearchQuery lenient = parser.parse(List.of("Patient"), query, LENIENT);

    assertThat(lenient.criteria()).isEmpty();
    assertThat(lenient.ignored()).extracting(SearchQuery.Ignored::parameter)
        .containsExactlyInAnyOrder("colour", "_query");
    assertBadRequest(() -> parse(Map.of("colour", List.of("red"))), "'colour' is not known for Patient");
  }

  @Test
  void aBadValueIsABadRequestEvenWhenLenient() {
    assertThatThrownBy(() -> parser.parse(List.of("Patient"), Map.of("birthdate", List.of("soon")), LENIENT))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void aReferenceIdTakesTheTypeOfItsModifierOrOfTheParametersOnlyTarget() {
    assertThat(criterion("Observation", "subject:Patient", "123")).isEqualTo(new ReferenceMatch("subject",
        List.of(new ReferenceValue("Patient", "123", null, null))));
    assertThat(criterion("Patient", "organization", "123")).isEqualTo(new ReferenceMatch("organization",
        List.of(new ReferenceValue("Organization", "123", null, null))));
    assertThat(criterion("Observation", "subject", "123")).isEqualTo(new ReferenceMatch("subject",
        List.of(new ReferenceValue(null, "123", null, null))));
  }

  @Test
  void aTypeModifierTheReferenceCannotPointToIsABadRequest() {
    assertBadRequest(() -> criterion("Observation", "subject:Medication", "1"),
        "subject cannot refer to a Medication");
  }

  @Test
  void theIdentifierModifierSearchesTheIdentifiersOfReferences() {
    assertThat(criterion("Observation", "subject:identifier", "urn:mrn|12345")).isEqualTo(new TokenMatch(
        "subject:identifier", List.of(new TokenValue("urn:mrn", "12345", true)), false));
  }

  @Test
  void aChainSearchesTheReferencedResourcesOfTheTypesThatHaveTheParameter() {
    assertThat(criterion("Observation", "subject:Patient.name", "peter")).isEqualTo(new Chain("subject",
        List.of("Patient"), new StringMatch("name", StringMode.STARTS_WITH, List.of("peter"))));
    assertThat(criterion("Observation", "subject.name", "peter")).isInstanceOfSatisfying(Chain.class,
        chain -> assertThat(chain.targetTypes()).containsExactlyInAnyOrder("Patient", "Location"));
  }

  @Test
  void chainsNestAndEndInAnyParameterOrModifier() {
    Criterion criterion = criterion("Encounter", "subject:Patient.organization.name:exact", "Acme");

    assertThat(criterion).isEqualTo(new Chain("subject", List.of("Patient"), new Chain("organization",
        List.of("Organization"), new StringMatch("name", StringMode.EXACT, List.of("Acme")))));
  }

  @Test
  void aChainThroughANonReferenceOrToNoTypeWithTheParameterIsABadRequest() {
    assertBadRequest(() -> criterion("Observation", "code.name", "x"), "code is not a reference parameter");
    assertBadRequest(() -> criterion("Observation", "subject.colour", "x"), "The chain subject.colour is broken");
    assertBadRequest(() -> criterion("Observation", "subject:Spaceship.name", "x"), "'Spaceship' in the chain");
  }

  @Test
  void hasFindsTheResourcesThatOthersReferToWhileMatching() {
    assertThat(criterion("Patient", "_has:Observation:patient:code", "1234-5")).isEqualTo(new Has("Observation",
        "patient", new TokenMatch("code", List.of(new TokenValue(null, "1234-5", false)), false)));
  }

  @Test
  void hasNestsAndMayEndInAChain() {
    Criterion criterion = criterion("Patient", "_has:Observation:patient:_has:AuditEvent:entity:agent", "x");
    Criterion chained = criterion("Patient", "_has:Observation:patient:performer:Practitioner.name", "x");

    assertThat(criterion).isInstanceOfSatisfying(Has.class, has -> assertThat(has.inner()).isInstanceOf(Has.class));
    assertThat(chained).isInstanceOfSatisfying(Has.class, has -> assertThat(has.inner()).isInstanceOf(Chain.class));
  }

  @Test
  void aBrokenReverseChainIsABadRequest() {
    assertBadRequest(() -> criterion("Patient", "_has:Observation:patient", "x"), "is not a reverse chain");
    assertBadRequest(() -> criterion("Patient", "_has:Spaceship:patient:code", "x"), "is not a reverse chain");
    assertBadRequest(() -> criterion("Patient", "_has:Observation:colour:code", "x"), "has no search parameter");
    assertBadRequest(() -> criterion("Patient", "_has:Observation:code:code", "x"), "is not a reference parameter");
    assertBadRequest(() -> criterion("Patient", "_has:Observation:encounter:code", "x"),
        "Observation.encounter cannot refer to Patient");
  }

  @Test
  void chainsNestOnlySoDeep() {
    String deep = "_has:Patient:link:".repeat(QueryParser.MAX_CHAIN_DEPTH + 1) + "name";

    assertBadRequest(() -> criterion("Patient", deep, "x"), "at most " + QueryParser.MAX_CHAIN_DEPTH + " levels");
  }

  @Test
  void aCompositeIsATokenAndAValueJoinedByADollar() {
    CompositeMatch match = (CompositeMatch) criterion("Observation", "code-value-quantity",
        "http://loinc.org|8480-6$gt100");

    CompositeValue value = match.values().get(0);
    assertThat(match.secondType()).isEqualTo(ParamType.QUANTITY);
    assertThat(value.first()).isEqualTo(new TokenValue("http://loinc.org", "8480-6", true));
    assertThat(((Criterion.QuantityValue) value.second()).number().prefix()).isEqualTo(Prefix.GT);
    assertThat(value.third()).isNull();
  }

  @Test
  void aCompositeOfTheWrongShapeIsABadRequestWithAnExample() {
    assertBadRequest(() -> criterion("Observation", "code-value-quantity", "http://loinc.org|8480-6"),
        "use token$value");
    assertBadRequest(() -> criterion("Observation", "code-value-quantity", "a$1$2"), "use token$value");
    assertBadRequest(() -> criterion("Observation", "code-value-quantity", "$1"), "use token$value");
  }

  @Test
  void anEscapedDollarBelongsToTheComponent() {
    CompositeMatch match = (CompositeMatch) criterion("Observation", "code-value-concept", "a\\$b$c");

    assertThat(match.values().get(0).first()).isEqualTo(new TokenValue(null, "a$b", false));
  }

  @Test
  void nearIsOnePlace() {
    assertThat(criterion("Location", "near", "42.25|-83.69|10|km"))
        .isEqualTo(new Criterion.Near("near", 42.25, -83.69, 10_000));
    assertBadRequest(() -> criterion("Location", "near", "1|2,3|4"), "supported only as near, with one place");
  }

  @Test
  void aSystemSearchRunsOverTheTypesOfTypeAndItsCommonParameters() {
    SearchQuery query = parser.parse(List.of(), Map.of("_type", List.of("Patient, Practitioner"),
        "name", List.of("x")), OPTIONS);

    assertThat(query.types()).containsExactly("Patient", "Practitioner");
    assertThat(query.criteria()).containsExactly(new StringMatch("name", StringMode.STARTS_WITH, List.of("x")));
    assertBadRequest(() -> parser.parse(List.of(), Map.of("_type", List.of("Spaceship")), OPTIONS),
        "is not a resource type");
  }

  @Test
  void idListAndLastUpdatedAreParametersOfEveryResource() {
    assertThat(criterion("Patient", "_id:not", "a,b")).isEqualTo(new IdMatch(List.of("a", "b"), true));
    assertThat(criterion("Patient", "_list", "list1")).isEqualTo(new InList(List.of("list1")));
    assertThat(criterion("Patient", "_lastUpdated", "ge2020")).isEqualTo(new LastUpdatedMatch(
        List.of(ValueParser.date("_lastUpdated", "ge2020"))));
  }

  @Test
  void fullTextNeedsWords() {
    assertThat(criterion("Patient", "_content", "heart attack,stroke")).isEqualTo(new TextMatch("_content",
        List.of(List.of("heart", "attack"), List.of("stroke"))));
    assertBadRequest(() -> criterion("Patient", "_text", "a"), "_text needs words");
  }

  private Criterion criterion(String type, String name, String value) {
    List<Criterion> criteria = parser.parse(List.of(type), Map.of(name, List.of(value)), OPTIONS).criteria();
    assertThat(criteria).hasSize(1);
    return criteria.get(0);
  }

  private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  private SearchQuery parse(Map<String, List<String>> query) {
    return parser.parse(List.of("Patient"), query, OPTIONS);
  }
}
