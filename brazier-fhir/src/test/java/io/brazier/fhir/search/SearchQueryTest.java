package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.SearchQuery.Contained;
import io.brazier.fhir.search.SearchQuery.SortKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchQueryTest {
  private static final Criterion ID = new IdMatch(List.of("1"), false);

  @Test
  void aQuerySearchesTopLevelResourcesUnlessToldOtherwise() {
    SearchQuery query = SearchQuery.of(List.of("Patient"), List.of(ID));

    assertThat(query.contained()).isEqualTo(Contained.TOP_LEVEL);
    assertThat(query.withContained(Contained.BOTH).contained()).isEqualTo(Contained.BOTH);
  }

  @Test
  void anAddedCriterionKeepsEverythingElse() {
    SearchQuery query = new SearchQuery(List.of("Patient"), List.of(ID),
        List.of(new SortKey("birthdate", ParamType.DATE, true)), List.of(), List.of(), List.of())
        .withContained(Contained.CONTAINED);
    Criterion more = new Criterion.OfType(List.of("Patient"));

    SearchQuery narrowed = query.withCriterion(more);

    assertThat(narrowed.criteria()).containsExactly(ID, more);
    assertThat(narrowed.sort()).isEqualTo(query.sort());
    assertThat(narrowed.contained()).isEqualTo(Contained.CONTAINED);
    assertThat(query.criteria()).containsExactly(ID);
  }

  @Test
  void aQueryIsAValueTheListsItWasGivenCannotChange() {
    List<Criterion> criteria = new ArrayList<>(List.of(ID));
    SearchQuery query = SearchQuery.of(List.of("Patient"), criteria);

    criteria.clear();

    assertThat(query.criteria()).containsExactly(ID);
    assertThatThrownBy(() -> query.criteria().add(ID)).isInstanceOf(UnsupportedOperationException.class);
  }
}
