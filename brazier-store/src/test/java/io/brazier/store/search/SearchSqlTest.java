package io.brazier.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestStore;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

/**
 * The statements of a search carry every client value as a bound argument; which searches are checked for their
 * cost; the counts that can skip the resource table; and the sort value each resource takes, on the database.
 */
class SearchSqlTest {
  private final TestStore store = TestStore.shared();
  private final TestStore.Tagged tagged = store.tagged();
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
  void aRowConditionTestsEachCriterionByTheRowsRidWhereASearchLetsOneDrive() {
    Sql search = statements.condition(new Sql(), query("Observation", "category=laboratory&code=8867-4"));
    Sql row = statements.rowCondition(new Sql(), query("Observation", "category=laboratory&code=8867-4"));

    assertThat(search.text()).contains("r.rid IN (SELECT");
    assertThat(row.text()).doesNotContain("IN (SELECT");
    assertThat(row.text().split("EXISTS \\(SELECT 1 FROM search_token ", -1)).hasSize(3);
  }

  @Test
  void idsAreInCreationOrderUpToTheLimit() {
    Sql ids = statements.ids(query("Patient", "gender=male"), 7);

    assertThat(ids.text()).startsWith("SELECT r.id FROM resource r WHERE").endsWith(" ORDER BY r.rid LIMIT ?");
    assertThat(ids.args()).last().isEqualTo(7);
  }

  @Test
  void aResourceWithSeveralValuesSortsByItsLowestAscendingAndItsHighestDescending() {
    String both = tagged.save(ValuesTest.patient("Adams", "A").addName(new HumanName()
        .setFamily("Zane")));
    String middle = tagged.save(ValuesTest.patient("Miller", "M"));

    assertThat(sorted("Patient", "family")).containsExactly(both, middle);
    assertThat(sorted("Patient", "-family")).containsExactly(both, middle);
  }

  @Test
  void aPeriodSortsByItsStartAscendingAndByItsEndDescending() {
    String year = tagged.save(encounter("2020-01-01", "2020-12-31"));
    String june = tagged.save(encounter("2020-06-01", "2020-06-02"));

    assertThat(sorted("Encounter", "date")).containsExactly(year, june);
    assertThat(sorted("Encounter", "-date")).containsExactly(year, june);
  }

  @Test
  void quantitiesSortByTheirCanonicalValueWhateverTheUnitTheyWereWrittenIn() {
    String gram = tagged.save(weighing("1", "g"));
    String halfGram = tagged.save(weighing("500", "mg"));
    String twoGrams = tagged.save(weighing("0.002", "kg"));

    assertThat(sorted("Observation", "value-quantity")).containsExactly(halfGram, gram, twoGrams);
  }

  @Test
  void idAndLastUpdatedSortByTheResourceItself() {
    String first = tagged.save(ValuesTest.patient("Same", "S").setId("sort-b-" + UUID.randomUUID()));
    String second = tagged.save(ValuesTest.patient("Same", "S").setId("sort-a-" + UUID.randomUUID()));

    assertThat(sorted("Patient", "_id")).containsExactly(second, first);
    assertThat(sorted("Patient", "-_lastUpdated")).containsExactly(second, first);
  }

  /** The ids of the tagged resources of {@code type} in the order of {@code _sort}. */
  private List<String> sorted(String type, String sort) {
    return store.store().search(store.parse(type, "_sort=" + sort + "&" + tagged.scope()), 10).resources().stream()
        .map(ResourceVersion::id).toList();
  }

  private static Encounter encounter(String start, String end) {
    Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
    encounter.setPeriod(new Period().setStartElement(new DateTimeType(start)).setEndElement(new DateTimeType(end)));
    return encounter;
  }

  private static Observation weighing(String value, String unit) {
    Observation observation = ValuesTest.observation("http://loinc.org", "29463-7");
    observation.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org")
        .setCode(unit).setUnit(unit));
    return observation;
  }

  private SearchQuery query(String type, String query) {
    return store.parse(type, query);
  }
}
