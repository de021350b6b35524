package io.brazier.store.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.Criterion.InCompartment;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.QueryTooCostly;
import io.brazier.store.ResourceVersion;
import io.brazier.store.SearchPage;
import io.brazier.store.TestStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** The common parameters, chains, reverse chains, lists, compartments and sorting, worked out by hand. */
class CriteriaSqlTest {
  private final TestStore store = TestStore.shared();
  private final TestStore.Tagged tagged = store.tagged();

  private String save(Resource resource) {
    return tagged.save(resource);
  }

  private List<String> find(String type, String query) {
    return tagged.find(type, query);
  }

  @Test
  void idAndLastUpdatedSelectFromTheResourceItself() {
    String a = save(ValuesTest.patient("A", "A"));
    String b = save(ValuesTest.patient("B", "B"));

    assertThat(find("Patient", "_id=" + a)).containsExactly(a);
    assertThat(find("Patient", "_id=" + a + "," + b)).containsExactlyInAnyOrder(a, b);
    assertThat(find("Patient", "_id:not=" + a)).containsExactly(b);
    assertThat(find("Patient", "_lastUpdated=gt2000-01-01")).containsExactlyInAnyOrder(a, b);
    assertThat(find("Patient", "_lastUpdated=lt2000-01-01")).isEmpty();
  }

  @Test
  void metaParametersSearchTagsProfilesSecurityLabelsAndSource() {
    Patient labelled = ValuesTest.patient("A", "A");
    labelled.getMeta().addProfile("http://example.org/StructureDefinition/special");
    labelled.getMeta().addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", null);
    labelled.getMeta().setSource("http://example.org/source#1");
    String a = save(labelled);
    save(ValuesTest.patient("B", "B"));

    assertThat(find("Patient", "_profile=http://example.org/StructureDefinition/special")).containsExactly(a);
    assertThat(find("Patient", "_security=R")).containsExactly(a);
    assertThat(find("Patient", "_source=http://example.org/source#1")).containsExactly(a);
  }

  @Test
  void textSearchesTheNarrativeAndContentSearchesEveryString() {
    Patient narrated = ValuesTest.patient("Quixote", "Alonso");
    narrated.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString(
        "<div xmlns=\"http://www.w3.org/1999/xhtml\">A knight errant from La Mancha</div>");
    String a = save(narrated);
    String b = save(ValuesTest.patient("Panza", "Sancho"));

    assertThat(find("Patient", "_text=knight mancha")).containsExactly(a);
    assertThat(find("Patient", "_text=quixote")).isEmpty();
    assertThat(find("Patient", "_content=sancho")).containsExactly(b);
    assertThat(find("Patient", "_content=alonso,panza")).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void listFindsTheItemsOfAList() {
    String a = save(ValuesTest.patient("A", "A"));
    save(ValuesTest.patient("B", "B"));
    ListResource list = new ListResource();
    list.setStatus(ListResource.ListStatus.CURRENT).setMode(ListResource.ListMode.WORKING);
    list.addEntry().setItem(new Reference("Patient/" + a));
    String l = save(list);

    assertThat(find("Patient", "_list=" + l)).containsExactly(a);
  }

  @Test
  void chainsFollowReferencesToAnyDepth() {
    Organization acme = new Organization().setName("Acme Health");
    String org = save(acme);
    Patient member = ValuesTest.patient("Chained", "A");
    member.setManagingOrganization(new Reference("Organization/" + org));
    String p = save(member);
    String other = save(ValuesTest.patient("Chained", "B"));
    Observation observation = ValuesTest.observation("http://loinc.org", "1");
    observation.setSubject(new Reference("Patient/" + p));
    String o = save(observation);
    Observation unrelated = ValuesTest.observation("http://loinc.org", "1");
    unrelated.setSubject(new Reference("Patient/" + other));
    save(unrelated);

    assertThat(find("Observation", "subject:Patient.name=chained")).hasSize(2);
    assertThat(find("Observation", "subject:Patient.organization.name=acme")).containsExactly(o);
    assertThat(find("Observation", "patient.organization.name=acme")).containsExactly(o);
    assertThat(find("Observation", "subject.organization.name=acme")).containsExactly(o);
  }

  @Test
  void hasFindsResourcesThatOthersReferToAndNests() {
    String p = save(ValuesTest.patient("A", "A"));
    String q = save(ValuesTest.patient("B", "B"));
    Encounter visit = new Encounter();
    visit.setStatus(Encounter.EncounterStatus.FINISHED).setSubject(new Reference("Patient/" + p));
    String e = save(visit);
    Observation observation = ValuesTest.observation("http://loinc.org", "8302-2");
    observation.setSubject(new Reference("Patient/" + q)).setEncounter(new Reference("Encounter/" + e));
    save(observation);

    assertThat(find("Patient", "_has:Encounter:subject:status=finished")).containsExactly(p);
    assertThat(find("Patient", "_has:Observation:patient:code=8302-2")).containsExactly(q);
    assertThat(find("Patient", "_has:Encounter:subject:_has:Observation:encounter:code=8302-2")).containsExactly(p);
    assertThat(find("Patient", "_has:Observation:patient:code=0000-0")).isEmpty();
  }

  @Test
  void notReferencedLeavesOutWhatAnyOrTheNamedSourceRefersTo() {
    String observed = save(ValuesTest.patient("A", "A"));
    String encountered = save(ValuesTest.patient("B", "B"));
    String alone = save(ValuesTest.patient("C", "C"));
    Observation observation = ValuesTest.observation("http://loinc.org", "1");
    save(observation.setSubject(new Reference("Patient/" + observed)));
    save(new Encounter().setSubject(new Reference("Patient/" + encountered)));

    assertThat(find("Patient", "_not-referenced=*:*")).containsExactly(alone);
    assertThat(find("Patient", "_not-referenced=Observation:*")).containsExactlyInAnyOrder(encountered, alone);
    assertThat(find("Patient", "_not-referenced=Observation:subject")).containsExactlyInAnyOrder(encountered, alone);
    assertThat(find("Patient", "_not-referenced=Observation:performer"))
        .containsExactlyInAnyOrder(observed, encountered, alone);
    assertThat(find("Patient", "_not-referenced=Observation:subject&_not-referenced=Encounter:*"))
        .containsExactly(alone);
  }

  @Test
  void aCompartmentHoldsTheResourcesThatReferToItsOwner() {
    String p = save(ValuesTest.patient("A", "A"));
    Observation observation = ValuesTest.observation("http://loinc.org", "1");
    observation.setSubject(new Reference("Patient/" + p));
    String o = save(observation);
    save(ValuesTest.observation("http://loinc.org", "1"));
    SearchQuery query = store.parse("Observation", tagged.scope())
        .withCriterion(new InCompartment("Patient", List.of(p), Map.of("Observation", List.of("subject",
            "performer")), false));

    assertThat(store.store().ids(query, 100)).containsExactly(o);
  }

  @Test
  void onlyRowsOfTheOwnersTypeAreTestedForBeingTheOwner() {
    Keys keys = new Keys() {
      @Override
      public short type(String type) {
        return (short) (type.equals("Patient") ? 7 : 8);
      }

      @Override
      public Integer[] params(List<String> types, String code) {
        return new Integer[] {1};
      }
    };
    InCompartment compartment = new InCompartment("Patient", List.of("p"), Map.of("Observation", List.of("subject")),
        true);

    String observations = new SearchSql(keys).condition(new Sql(),
        SearchQuery.of(List.of("Observation"), List.of(compartment))).text();
    String both = new SearchSql(keys).condition(new Sql(),
        SearchQuery.of(List.of("Patient", "Observation"), List.of(compartment))).text();

    assertThat(observations).contains("EXISTS (SELECT 1 FROM search_reference").doesNotContain(" OR r.type = ?");
    assertThat(both).contains(" OR r.type = ?");
  }

  @Test
  void aCompartmentWithItsOwnerHoldsTheOwnerAmongSeveralTypes() {
    String p = save(ValuesTest.patient("A", "A"));
    String other = save(ValuesTest.patient("B", "B"));
    Observation observation = ValuesTest.observation("http://loinc.org", "1");
    observation.setSubject(new Reference("Patient/" + p));
    String o = save(observation);
    InCompartment compartment = new InCompartment("Patient", List.of(p, other), Map.of("Observation",
        List.of("subject")), true);

    SearchQuery both = SearchQuery.of(List.of("Patient", "Observation"),
        store.parse("Patient", tagged.scope()).criteria()).withCriterion(compartment);
    SearchQuery observations = store.parse("Observation", tagged.scope()).withCriterion(compartment);

    assertThat(store.store().ids(both, 100)).containsExactlyInAnyOrder(p, other, o);
    assertThat(store.store().ids(observations, 100)).containsExactly(o);
  }

  @Test
  void sortingOrdersByEachKeyInTurnAscendingOrDescending() {
    String b1 = save(ValuesTest.patient("Beta", "A").setBirthDateElement(new DateType("1990-01-01")));
    String a = save(ValuesTest.patient("Alpha", "A").setBirthDateElement(new DateType("1980-01-01")));
    String b2 = save(ValuesTest.patient("Beta", "A").setBirthDateElement(new DateType("2000-01-01")));
    String none = save(ValuesTest.patient("Gamma", "A"));

    assertThat(sorted("family,-birthdate")).containsExactly(a, b2, b1, none);
    assertThat(sorted("-family,birthdate")).containsExactly(none, b1, b2, a);
    assertThat(sorted("birthdate")).containsExactly(a, b1, b2, none);
  }

  private List<String> sorted(String sort) {
    SearchPage page = store.store().search(store.parse("Patient", "_sort=" + sort + "&" + tagged.scope()), 10);
    return page.resources().stream().map(ResourceVersion::id).toList();
  }

  @Test
  void aCountEqualsTheNumberOfMatchesWhetherItReadsIndexRowsOrResourceRows() {
    for (int i = 0; i < 3; i++) {
      Patient patient = ValuesTest.patient("Counted", "C" + i);
      patient.addIdentifier().setSystem("http://a").setValue("1");
      patient.addIdentifier().setSystem("http://b").setValue("1");
      save(patient);
    }
    save(ValuesTest.patient("Other", "D"));

    for (String query : List.of("identifier=1", "identifier=http://a|1", "family=counted&identifier=1",
        "family=counted&gender:missing=true",
        "family=counted&_lastUpdated=gt2000", "identifier:not=1")) {
      SearchQuery parsed = store.parse("Patient", query + "&" + tagged.scope());
      assertThat(store.store().count(parsed)).as(query).isEqualTo(store.store().ids(parsed, 100).size());
    }
  }

  @Test
  void anEstimateIsThePlannersRowCountWithinAFactorOfTheExactCount() {
    for (int i = 0; i < 200; i++) {
      save(new Basic());
    }
    store.store().vacuumAnalyze();
    // The whole type, whose row count the statistics know; a rare tag would be estimated at a row or two.
    SearchQuery query = store.parse("Basic", "_lastUpdated=gt2000");

    int estimate = store.store().estimate(query);
    int exact = store.store().count(query);

    assertThat(exact).isGreaterThanOrEqualTo(200);
    assertThat(estimate).isBetween(exact / 4, exact * 4);
  }

  @Test
  void aChainThePlannerCostsAboveTheLimitIsRefusedBeforeItRuns() throws SQLException {
    List<String> matching = new ArrayList<>();
    for (String family : List.of("Reed", "Lee")) {
      String patient = save(ValuesTest.patient(family, "Ann"));
      matching.add(save(ValuesTest.observation("http://loinc.org", "1")
          .setSubject(new Reference("Patient/" + patient))));
    }
    String other = save(ValuesTest.patient("Moon", "Ali"));
    save(ValuesTest.observation("http://loinc.org", "1").setSubject(new Reference("Patient/" + other)));
    // Two matches for a page of one: a search that runs keeps them as a snapshot for the next page.
    SearchQuery chain = store.parse("Observation", "subject:Patient.name:contains=e&" + tagged.scope());
    long snapshots = snapshots();

    assertThatThrownBy(() -> store.withMaxSearchCost(1).search(chain, 1)).isInstanceOf(QueryTooCostly.class)
        .hasMessageContaining("too costly");
    assertThat(snapshots()).as("snapshots after the refused search").isEqualTo(snapshots);

    SearchPage ran = store.store().search(chain, 1);

    assertThat(ran.total()).isEqualTo(2);
    assertThat(ran.resources()).extracting(ResourceVersion::id).isSubsetOf(matching);
    assertThat(snapshots()).as("snapshots after the search that ran").isEqualTo(snapshots + 1);
  }

  private long snapshots() throws SQLException {
    try (Connection connection = store.database().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM search_snapshot")) {
      row.next();
      return row.getLong(1);
    }
  }

  @Test
  void aLargeResultIsKeptAsASnapshotThatLaterPagesWalkWhateverIsWrittenMeanwhile() {
    for (int i = 0; i < 25; i++) {
      save(ValuesTest.patient("Paged", "P" + i));
    }
    SearchQuery query = store.parse("Patient", "family=paged&" + tagged.scope());

    SearchPage first = store.store().search(query, 10);
    save(ValuesTest.patient("Paged", "Late"));
    SearchPage second = store.store().page(first.snapshot(), 10, 10).orElseThrow();
    SearchPage third = store.store().page(first.snapshot(), 20, 10).orElseThrow();

    assertThat(first.total()).isEqualTo(25);
    assertThat(first.resources()).hasSize(10);
    assertThat(second.resources()).hasSize(10);
    assertThat(third.resources()).hasSize(5);
    assertThat(third.total()).isEqualTo(25);
    assertThat(store.store().page(UUID.randomUUID().toString(), 0, 10)).isEmpty();
  }
}
