package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.AnyOf;
import io.brazier.fhir.search.Criterion.Chain;
import io.brazier.fhir.search.Criterion.Has;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.Criterion.InList;
import io.brazier.fhir.search.Criterion.LastUpdatedMatch;
import io.brazier.fhir.search.Criterion.Missing;
import io.brazier.fhir.search.Criterion.Not;
import io.brazier.fhir.search.Criterion.StringMatch;
import io.brazier.fhir.search.Criterion.StringMode;
import io.brazier.fhir.search.Criterion.TextMatch;
import io.brazier.fhir.search.Criterion.TokenMatch;
import io.brazier.fhir.search.Criterion.TokenValue;
import io.brazier.fhir.search.SearchQuery.Contained;
import io.brazier.fhir.search.SearchQuery.Include;
import io.brazier.fhir.search.SearchQuery.SortKey;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;

/** {@code _contained} and {@code _containedType}: https://hl7.org/fhir/R4/search.html#contained */
class ContainedSearchTest {
  private static final Criterion NAME = new StringMatch("name", StringMode.STARTS_WITH, List.of("pet"));
  private static final Criterion CODE = new TokenMatch("code", List.of(new TokenValue(null, "x", false)), false);

  @Test
  void withoutContainedTheQueryIsOfTopLevelResources() {
    SearchQuery query = SearchQuery.of(List.of("Patient"), List.of(NAME, CODE));

    assertThat(ContainedSearch.apply(query, Map.of())).isSameAs(query);
    assertThat(ContainedSearch.apply(query, Map.of("_contained", List.of("false"))).contained())
        .isEqualTo(Contained.TOP_LEVEL);
  }

  @Test
  void containedTrueOrBothSaySoInTheQuery() {
    SearchQuery query = SearchQuery.of(List.of("Patient"), List.of(NAME));

    assertThat(ContainedSearch.apply(query, Map.of("_contained", List.of("true"))).contained())
        .isEqualTo(Contained.CONTAINED);
    assertThat(ContainedSearch.apply(query, Map.of("_contained", List.of("both"))).contained())
        .isEqualTo(Contained.BOTH);
  }

  @Test
  void badValuesOfContainedOrContainedTypeAreBadRequests() {
    SearchQuery query = SearchQuery.of(List.of("Patient"), List.of(NAME));

    assertBadRequest(() -> ContainedSearch.apply(query, Map.of("_contained", List.of("yes"))), "is not true, false");
    assertBadRequest(() -> ContainedSearch.apply(query, Map.of("_contained", List.of("true", "false"))),
        "given 2 times");
    assertBadRequest(() -> ContainedSearch.apply(query, Map.of("_containedType", List.of("contained"))),
        "needs _contained=true or both");
    assertBadRequest(() -> ContainedSearch.containedEntries(Map.of("_containedType", List.of("all"))),
        "is not container or contained");
  }

  @Test
  void theEntriesAreTheContainersUnlessContainedTypeAsksForTheContainedResources() {
    assertThat(ContainedSearch.containedEntries(Map.of())).isFalse();
    assertThat(ContainedSearch.containedEntries(Map.of("_containedType", List.of("container")))).isFalse();
    assertThat(ContainedSearch.containedEntries(Map.of("_containedType", List.of("contained")))).isTrue();
  }

  @Test
  void twoParametersCouldBeMetByTwoContainedResourcesSoTheyAreRefused() {
    SearchQuery query = SearchQuery.of(List.of("Patient"), List.of(NAME, CODE));

    assertNotSupported(query, Map.of("_contained", List.of("true")), "more than one search parameter");
  }

  @Test
  void negationsAreRefusedWhereverTheyStand() {
    assertNotSupported(List.of(new Not(NAME)), "a negation");
    assertNotSupported(List.of(new Missing("name", ParamType.STRING, true)), "a negation");
    assertNotSupported(List.of(new TokenMatch("code", List.of(new TokenValue(null, "x", false)), true)), "a negation");
    assertNotSupported(List.of(new IdMatch(List.of("1"), true)), "a negation");
    assertNotSupported(List.of(new AnyOf(List.of(NAME, new Not(CODE)))), "a negation");
  }

  @Test
  void criteriaThatLookPastTheIndexRowsAreRefused() {
    assertNotSupported(List.of(new LastUpdatedMatch(List.of())), "_lastUpdated");
    assertNotSupported(List.of(new Chain("organization", List.of("Organization"), NAME)), "the chain organization");
    assertNotSupported(List.of(new Has("Observation", "subject", CODE)), "_has");
    assertNotSupported(List.of(new InList(List.of("l1"))), "_list");
    assertNotSupported(List.of(new TextMatch("_text", List.of(List.of("fever")))), "_text");
  }

  @Test
  void aContainedSearchNeedsATypeAndNoIncludesNorSortByTheContainersColumns() {
    Map<String, List<String>> contained = Map.of("_contained", List.of("true"));
    SearchQuery everyType = SearchQuery.of(List.of(), List.of(NAME));
    SearchQuery including = new SearchQuery(List.of("Patient"), List.of(NAME), List.of(),
        List.of(new Include("Patient", "organization", null, false)), List.of(), List.of());
    SearchQuery byId = new SearchQuery(List.of("Patient"), List.of(NAME),
        List.of(new SortKey("_id", ParamType.TOKEN, false)), List.of(), List.of(), List.of());
    SearchQuery byName = new SearchQuery(List.of("Patient"), List.of(NAME),
        List.of(new SortKey("name", ParamType.STRING, false)), List.of(), List.of(), List.of());

    assertNotSupported(everyType, contained, "a search of every type");
    assertNotSupported(including, contained, "_include and _revinclude");
    assertNotSupported(byId, contained, "_sort=_id");
    assertNotSupported(byName, Map.of("_contained", List.of("both")), "_sort=name and _contained=both");
    assertThat(ContainedSearch.apply(byName, contained).contained()).isEqualTo(Contained.CONTAINED);
  }

  @Test
  void bothCannotListTheContainedResourcesThemselves() {
    SearchQuery query = SearchQuery.of(List.of("Patient"), List.of(NAME));

    assertNotSupported(query, Map.of("_contained", List.of("both"), "_containedType", List.of("contained")),
        "_containedType=contained");
  }

  private static void assertNotSupported(List<Criterion> criteria, String what) {
    assertNotSupported(SearchQuery.of(List.of("Patient"), criteria), Map.of("_contained", List.of("true")), what);
  }

  private static void assertNotSupported(SearchQuery query, Map<String, List<String>> params, String what) {
    assertThatThrownBy(() -> ContainedSearch.apply(query, params)).isInstanceOfSatisfying(FhirException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.outcome().getIssueFirstRep().getCode()).isEqualTo(IssueType.NOTSUPPORTED);
    }).hasMessageContaining("is not supported with " + what);
  }

  private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }
}
