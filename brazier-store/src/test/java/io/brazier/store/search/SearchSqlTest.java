package io.brazier.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.TestStore;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The statements of a search carry every client value as a bound argument; which searches are checked for their
 * cost; and the counts that can skip the resource table.
 */
class SearchSqlTest {
  private final TestStore store = TestStore.shared();
  private final SearchSql statements = new SearchSql(new Keys() {
    @Override
    public short type(String type) {
      return 1;
    }

    @Override
    public Integer[] params(List<String> types, String code) {
      return new Integer[] {5};
    }
  });

  @Test
  void aClientsValueIsBoundAndNeverPartOfTheText() {
    String value = "o'brien'); DROP TABLE resource; --";

    Sql first = statements.firstPage(query("Patient", "family=" + value), 10, UUID.randomUUID());
    Sql count = statements.count(query("Patient", "family=" + value));

    assertThat(first.text()).doesNotContain("DROP TABLE");
    assertThat(count.text()).doesNotContain("DROP TABLE");
    assertThat(first.args()).anySatisfy(arg -> assertThat(String.valueOf(arg)).contains("o'brien"));
    assertThat(first.text().chars().filter(c -> c == '?').count()).isEqualTo(first.args().size());
    assertThat(count.text().chars().filter(c -> c == '?').count()).isEqualTo(count.args().size());
  }

  @Test
  void chainsHasContainsEndsWithAndTextAreCheckedForCostAndPlainParametersAreNot() {
    assertThat(SearchSql.mayBeCostly(query("Observation", "subject:Patient.name=x"))).isTrue();
    assertThat(SearchSql.mayBeCostly(query("Patient", "_has:Observation:subject:code=1"))).isTrue();
    assertThat(SearchSql.mayBeCostly(query("Patient", "name:contains=x"))).isTrue();
    assertThat(SearchSql.mayBeCostly(query("Patient", "_text=knight"))).isTrue();
    assertThat(SearchSql.mayBeCostly(query("Patient", "_filter=name co \"x\" or gender eq male"))).isTrue();
    assertThat(SearchSql.mayBeCostly(query("Patient", "name=x&gender=male&birthdate=gt2000"))).isFalse();
    assertThat(SearchSql.mayBeCostly(query("Patient", "name:exact=x"))).isFalse();
  }

  @Test
  void aCountOfOneSystemAndCodeCountsIndexRowsWithoutDistinct() {
    assertThat(statements.count(query("Observation", "code=http://loinc.org|8867-4")).text())
        .startsWith("SELECT count(*)").doesNotContain("FROM resource r WHERE");
    assertThat(statements.count(query("Observation", "code=8867-4")).text())
        .startsWith("SELECT count(DISTINCT r.rid)");
  }

  @Test
  void idsAreInCreationOrderUpToTheLimit() {
    Sql ids = statements.ids(query("Patient", "gender=male"), 7);

    assertThat(ids.text()).startsWith("SELECT r.id FROM resource r WHERE").endsWith(" ORDER BY r.rid LIMIT ?");
    assertThat(ids.args()).last().isEqualTo(7);
  }

  private SearchQuery query(String type, String query) {
    return store.parse(type, query);
  }
}
