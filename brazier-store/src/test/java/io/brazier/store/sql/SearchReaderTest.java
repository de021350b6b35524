package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.SearchQuery.Include;
import io.brazier.store.IncludeQuery;
import io.brazier.store.IncludedPage;
import io.brazier.store.IndexedValue;
import io.brazier.store.ResourceVersion;
import io.brazier.store.SearchPage;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * Searches as pages of a snapshot (each match at the version that matched), counts, ids, includes and scans over the
 * shared database, each test among the resources it tagged.
 */
class SearchReaderTest {
  private final TestStore test = TestStore.shared();
  private final PostgresStore store = test.store();
  private final TestStore.Tagged tagged = test.tagged();

  @Test
  void pagesThatCrossFromOneStoredChunkToTheNextKeepTheResultOrder() {
    List<Write> batch = new ArrayList<>();
    String prefix = "chunk-" + UUID.randomUUID() + "-";
    for (int i = 0; i < 1010; i++) {
      batch.add(test.write(tag(patient("Chunked")).setId(prefix + i), 1));
    }
    store.commit(batch);
    SearchQuery query = test.parse("Patient", "family=chunked&_sort=_id&" + tagged.scope());
    List<String> all = store.search(query, 2000).resources().stream().map(ResourceVersion::id).toList();

    SearchPage first = store.search(query, 10);
    SearchPage across = store.page(first.snapshot(), 995, 10).orElseThrow();
    SearchPage last = store.page(first.snapshot(), 1000, 10).orElseThrow();

    assertThat(first.total()).isEqualTo(1010);
    assertThat(all).hasSize(1010);
    assertThat(ids(across)).containsExactlyElementsOf(all.subList(995, 1005));
    assertThat(ids(last)).containsExactlyElementsOf(all.subList(1000, 1010));
  }

  @Test
  void aSnapshotServesEachMatchAtTheVersionThatMatchedThoughItChangedOrWasDeletedSince() {
    String updated = tagged.save(patient("Before"));
    String deleted = tagged.save(patient("Before"));
    tagged.save(patient("Before"));
    SearchPage first = store.search(test.parse("Patient", "family=before&_sort=_lastUpdated&" + tagged.scope()), 1);

    tagged.save(patient("After").setId(updated));
    store.commit(List.of(Write.delete("Patient", deleted, 2, Instant.now())));
    SearchPage rest = store.page(first.snapshot(), 0, 3).orElseThrow();

    assertThat(rest.resources()).extracting(ResourceVersion::version).containsExactly(1, 1, 1);
    assertThat(rest.resources()).extracting(ResourceVersion::deleted).containsOnly(false);
    assertThat(rest.resources().get(0).json()).asString().contains("Before").doesNotContain("After");
    assertThat(test.ids("Patient", "family=after&" + tagged.scope())).containsExactly(updated);
  }

  @Test
  void aPageBeyondTheEndIsEmptyAndAnUnknownSnapshotIsGone() {
    for (int i = 0; i < 3; i++) {
      tagged.save(patient("Few"));
    }
    SearchPage first = store.search(test.parse("Patient", "family=few&" + tagged.scope()), 2);

    SearchPage beyond = store.page(first.snapshot(), 10, 2).orElseThrow();

    assertThat(beyond.resources()).isEmpty();
    assertThat(beyond.total()).isEqualTo(3);
    assertThat(store.page("not-a-snapshot", 0, 2)).isEmpty();
  }

  @Test
  void aSnapshotOlderThanAnHourHasExpiredThoughNoSearchHasDroppedItYet() throws SQLException {
    SearchQuery query = threePatients("Aged");
    String young = store.search(query, 2).snapshot();
    String old = store.search(query, 2).snapshot();

    age(young, 59);
    age(old, 61);

    assertThat(store.page(young, 2, 2)).as("59 minutes old").hasValueSatisfying(page ->
        assertThat(page.resources()).hasSize(1));
    assertThat(store.page(old, 2, 2)).as("61 minutes old").isEmpty();
  }

  @Test
  void theFirstSearchOfANodeDropsTheExpiredSnapshotsWithTheirResults() throws SQLException {
    SearchQuery query = threePatients("Dropped");
    String old = store.search(query, 2).snapshot();
    String young = store.search(query, 2).snapshot();
    age(old, 61);
    DataSource dataSource = test.database().dataSource();
    TypeKeys types = new TypeKeys(dataSource, test.fhir().resourceTypes());
    SearchReader node = new SearchReader(dataSource, types, new ParamKeys(dataSource, types), Double.MAX_VALUE);

    node.search(query, 1);

    assertThat(rows("search_snapshot WHERE id = ?", old)).isZero();
    assertThat(rows("search_result WHERE snapshot = ?", old)).isZero();
    assertThat(rows("search_snapshot WHERE id = ?", young)).isEqualTo(1);
    assertThat(rows("search_result WHERE snapshot = ?", young)).isEqualTo(1);
  }

  @Test
  void aResultThatFitsItsPageOrIsEmptyKeepsNoSnapshot() {
    tagged.save(patient("Alone"));
    tagged.save(patient("Alone"));

    SearchPage fits = store.search(test.parse("Patient", "family=alone&" + tagged.scope()), 2);
    SearchPage none = store.search(test.parse("Patient", "family=nobody&" + tagged.scope()), 2);

    assertThat(fits.resources()).hasSize(2);
    assertThat(fits.snapshot()).isNull();
    assertThat(none.resources()).isEmpty();
    assertThat(none.total()).isZero();
    assertThat(none.snapshot()).isNull();
  }

  @Test
  void countsAndIdsLeaveOutDeletionsAndIdsComeInTheOrderOfCreationUpToTheLimit() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      created.add(tagged.save(patient("Counted")));
    }
    store.commit(List.of(Write.delete("Patient", created.get(1), 2, Instant.now())));
    SearchQuery query = test.parse("Patient", "family=counted&" + tagged.scope());

    assertThat(store.count(query)).isEqualTo(3);
    assertThat(store.ids(query, 10)).containsExactly(created.get(0), created.get(2), created.get(3));
    assertThat(store.ids(query, 2)).containsExactly(created.get(0), created.get(2));
    assertThat(store.estimate(query)).isNotNegative();
  }

  @Test
  void includesFollowReferencesEitherWayToLiveResourcesOfTheNamedType() {
    String patient = tagged.save(patient("Included"));
    String gone = tagged.save(patient("Gone"));
    String first = tagged.save(observation(patient));
    String second = tagged.save(observation(patient));
    tagged.save(observation(gone));
    store.commit(List.of(Write.delete("Patient", gone, 2, Instant.now())));
    List<ResourceVersion> observations = store.search(test.parse("Observation", tagged.scope()), 10).resources();
    ResourceVersion thePatient = store.current("Patient", patient).orElseThrow();
    Include subject = new Include("Observation", "subject", null, false);

    IncludedPage forward = store.include(query(observations, List.of(subject), List.of(), List.of()), 0, 10);
    IncludedPage reverse = store.include(query(List.of(thePatient), List.of(), List.of(subject), List.of()), 0, 10);

    assertThat(ids(forward)).containsExactly(patient);
    assertThat(ids(reverse)).containsExactlyInAnyOrder(first, second);
    assertThat(reverse.next()).as("the last page").isNull();
    assertThat(ids(store.include(query(observations, List.of(new Include("Observation", "subject", "Group", false)),
        List.of(), List.of()), 0, 10))).as("only the named target type").isEmpty();
    assertThat(ids(store.include(query(List.of(), List.of(subject), List.of(), List.of()), 0, 10))).isEmpty();
  }

  @Test
  void includedPagesResumeAfterTheLastServedWithNoneTwiceAndNoneMissedLeavingOutTheExcepted() {
    String patient = tagged.save(patient("Paged"));
    List<String> observations = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      observations.add(tagged.save(observation(patient)));
    }
    ResourceVersion thePatient = store.current("Patient", patient).orElseThrow();
    ResourceVersion excepted = store.current("Observation", observations.get(2)).orElseThrow();
    Include subject = new Include("Observation", "subject", null, false);
    IncludeQuery query = query(List.of(thePatient), List.of(), List.of(subject), List.of(thePatient, excepted));

    IncludedPage first = store.include(query, 0, 2);
    IncludedPage second = store.include(query, first.next(), 2);

    assertThat(first.resources()).hasSize(2);
    assertThat(second.next()).as("two pages of two hold the four").isNull();
    assertThat(Stream.concat(ids(first).stream(), ids(second).stream()).toList())
        .containsExactlyInAnyOrder(observations.get(0), observations.get(1), observations.get(3), observations.get(4));
  }

  @Test
  void aFilteredIncludeKeepsOnlyTheIncludedResourcesThatMatchIt() {
    String kept = tagged.save(patient("Kept"));
    String dropped = tagged.save(patient("Dropped"));
    List<ResourceVersion> observations = List.of(
        store.current("Observation", tagged.save(observation(kept))).orElseThrow(),
        store.current("Observation", tagged.save(observation(dropped))).orElseThrow());
    SearchQuery family = test.parse("Patient", "family=kept");

    IncludedPage included = store.include(new IncludeQuery(observations,
        List.of(new Include("Observation", "subject", null, false)), List.of(), List.of(), family.criteria().get(0)),
        0, 10);

    assertThat(ids(included)).containsExactly(kept);
  }

  private static IncludeQuery query(List<ResourceVersion> from, List<Include> forward, List<Include> reverse,
      List<ResourceVersion> except) {
    return new IncludeQuery(from, forward, reverse, except, null);
  }

  private static List<String> ids(IncludedPage page) {
    return page.resources().stream().map(ResourceVersion::id).toList();
  }

  @Test
  void aScanWalksATypeInIdOrderPastDeletionsAndResumesAfterAnId() {
    String prefix = "scan-" + UUID.randomUUID() + "-";
    for (String id : List.of("c", "a", "d", "b")) {
      tagged.save(patient("Scanned").setId(prefix + id));
    }
    store.commit(List.of(Write.delete("Patient", prefix + "c", 2, Instant.now())));

    List<String> firstTwo = store.scan("Patient", prefix, 2).stream().map(ResourceVersion::id).toList();
    List<String> rest = store.scan("Patient", prefix + "b", 2).stream().map(ResourceVersion::id).toList();

    assertThat(firstTwo).containsExactly(prefix + "a", prefix + "b");
    assertThat(rest).first().as("after b, c being deleted").isEqualTo(prefix + "d");
    assertThat(store.scan("Patient", null, 1)).hasSize(1);
  }

  private static List<String> ids(SearchPage page) {
    return page.resources().stream().map(ResourceVersion::id).toList();
  }

  @Test
  void theValuesOfATokenOrUriParameterAreThoseOfLiveResourcesEachOnceSorted() {
    String system = "http://brazier.test/meta-" + UUID.randomUUID();
    Patient first = patient("Tagged");
    first.getMeta().addTag(system, "b", null).addProfile(system + "/profile");
    Patient second = patient("Tagged");
    second.getMeta().addTag(system, "b", "shown").addTag(system, "a", null).addSecurity(system, "secret", null);
    Patient removed = patient("Tagged");
    removed.getMeta().addTag(system, "gone", null);
    Observation other = new Observation();
    other.getMeta().addTag(system, "observed", null);
    test.save(first);
    test.save(second);
    String deleted = test.save(removed);
    test.save(other);
    store.commit(List.of(Write.delete("Patient", deleted, 2, Instant.now())));

    List<IndexedValue> tags = store.indexedValues(List.of("Patient"), "_tag", 100_000);
    List<IndexedValue> everyTypes = store.indexedValues(List.of(), "_tag", 100_000);

    assertThat(tags).filteredOn(value -> system.equals(value.system()))
        .containsExactly(new IndexedValue(system, "a"), new IndexedValue(system, "b"));
    assertThat(everyTypes).filteredOn(value -> system.equals(value.system())).extracting(IndexedValue::value)
        .containsExactly("a", "b", "observed");
    assertThat(store.indexedValues(List.of("Patient"), "_security", 100_000))
        .contains(new IndexedValue(system, "secret"));
    assertThat(store.indexedValues(List.of("Patient"), "_profile", 100_000))
        .contains(new IndexedValue(null, system + "/profile"));
    assertThat(store.indexedValues(List.of("Patient"), "_tag", 1)).hasSize(1);
  }

  private <T extends Resource> T tag(T resource) {
    resource.getMeta().addTag("http://brazier.test/tag", tagged.scope().substring(tagged.scope().indexOf('|') + 1),
        null);
    return resource;
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  private static Observation observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }

  /** Saves three patients of a family: a search of them for two at a time keeps a snapshot. */
  private SearchQuery threePatients(String family) {
    for (int i = 0; i < 3; i++) {
      tagged.save(patient(family));
    }
    return test.parse("Patient", "family=" + family + "&" + tagged.scope());
  }

  /** Makes a snapshot as old as if its search had run {@code minutes} ago. */
  private void age(String snapshot, int minutes) throws SQLException {
    try (Connection connection = test.database().dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "UPDATE search_snapshot SET created = now() - make_interval(mins => ?) WHERE id = ?")) {
      statement.setInt(1, minutes);
      statement.setObject(2, UUID.fromString(snapshot));
      assertThat(statement.executeUpdate()).as("snapshot " + snapshot).isEqualTo(1);
    }
  }

  /** How many rows of {@code tableAndCondition} (one {@code ?}, the snapshot) there are. */
  private long rows(String tableAndCondition, String snapshot) throws SQLException {
    try (Connection connection = test.database().dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM " + tableAndCondition)) {
      statement.setObject(1, UUID.fromString(snapshot));
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}
