package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.DateTimeRange;
import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.HistoryCursor;
import io.brazier.store.HistoryPage;
import io.brazier.store.HistoryQuery;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * History of a resource, a type or the server, newest first, in keyset pages that resume where the last one ended;
 * {@code _since} and {@code _at} keep the versions they name.
 */
class HistoryReaderTest {
  private final TestStore store = TestStore.shared();
  private final PostgresStore postgres = store.store();
  /** Each test's versions are stamped in a day of their own, so that type and server history can be told apart. */
  private final Instant t0 = Instant.parse("2020-01-01T00:00:00Z")
      .plus(Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 100_000), ChronoUnit.DAYS);

  @Test
  void aResourcesHistoryIsEveryVersionNewestFirstItsDeletionIncluded() {
    String id = UUID.randomUUID().toString();
    commit(write("Patient", id, 1, t0));
    commit(write("Patient", id, 2, t0.plusSeconds(1)));
    commit(Write.delete("Patient", id, 3, t0.plusSeconds(2)));

    HistoryPage page = postgres.history(new HistoryQuery("Patient", id, null, null, null, 10));

    assertThat(page.versions()).extracting(ResourceVersion::version).containsExactly(3, 2, 1);
    assertThat(page.versions()).extracting(ResourceVersion::deleted).containsExactly(true, false, false);
    assertThat(page.versions().get(1).json()).asString(StandardCharsets.UTF_8).contains("\"versionId\":\"2\"");
    assertThat(page.next()).isNull();
  }

  @Test
  void aResourceNeverStoredHasAnEmptyHistory() {
    HistoryPage page = postgres.history(new HistoryQuery("Patient", "never-" + UUID.randomUUID(), null, null, null,
        10));

    assertThat(page.versions()).isEmpty();
    assertThat(page.next()).isNull();
  }

  @Test
  void pagesResumeWithoutGapOrRepeatWhenManyVersionsShareOneInstant() {
    List<Write> batch = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      batch.add(write("Device", "device-" + i + "-" + t0.toEpochMilli(), 1, t0));
    }
    commit(batch);
    commit(write("Device", "device-3-" + t0.toEpochMilli(), 2, t0));
    List<String> whole = keys(postgres.history(typeHistory(null, 100)).versions());

    List<String> paged = new ArrayList<>();
    HistoryCursor next = null;
    int pages = 0;
    do {
      HistoryPage page = postgres.history(typeHistory(next, 3));
      paged.addAll(keys(page.versions()));
      next = page.next();
      pages++;
    } while (next != null);

    assertThat(whole).hasSize(8).doesNotHaveDuplicates();
    assertThat(paged).containsExactlyElementsOf(whole);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void eachPositionResumesRightAfterItsVersion() {
    String id = UUID.randomUUID().toString();
    for (int version = 1; version <= 5; version++) {
      commit(write("Patient", id, version, t0.plusSeconds(version)));
    }
    HistoryPage all = postgres.history(new HistoryQuery("Patient", id, null, null, null, 10));

    HistoryPage after = postgres.history(new HistoryQuery("Patient", id, null, null, all.positions().get(1), 10));

    assertThat(all.positions()).hasSize(5);
    assertThat(after.versions()).extracting(ResourceVersion::version).containsExactly(3, 2, 1);
  }

  @Test
  void sinceKeepsTheVersionsUpdatedAtOrAfterIt() {
    String id = UUID.randomUUID().toString();
    for (int version = 1; version <= 3; version++) {
      commit(write("Patient", id, version, t0.plusSeconds(version)));
    }

    HistoryPage page = postgres.history(new HistoryQuery("Patient", id, t0.plusSeconds(2), null, null, 10));

    assertThat(page.versions()).extracting(ResourceVersion::version).containsExactly(3, 2);
  }

  @Test
  void atKeepsTheVersionsThatWereCurrentAtSomePointOfTheRange() {
    String id = UUID.randomUUID().toString();
    commit(write("Patient", id, 1, t0));
    commit(write("Patient", id, 2, t0.plusSeconds(10)));
    commit(write("Patient", id, 3, t0.plusSeconds(20)));

    assertThat(versionsAt(id, t0.plusSeconds(12), t0.plusSeconds(15))).containsExactly(2);
    assertThat(versionsAt(id, t0.plusSeconds(5), t0.plusSeconds(12))).containsExactly(2, 1);
    assertThat(versionsAt(id, t0.plusSeconds(10), t0.plusSeconds(11))).as("version 1 ended as the range began")
        .containsExactly(2);
    assertThat(versionsAt(id, t0.plusSeconds(25), null)).containsExactly(3);
    assertThat(versionsAt(id, t0.minusSeconds(5), t0)).as("the range ends as version 1 begins").isEmpty();
    assertThat(versionsAt(id, t0.plusSeconds(15), t0.plusSeconds(15))).as("an empty range").isEmpty();
  }

  @Test
  void theServersHistoryHoldsEveryTypeAndATypesOnlyItsOwn() {
    String patient = UUID.randomUUID().toString();
    String group = UUID.randomUUID().toString();
    commit(write("Patient", patient, 1, t0), write("Group", group, 1, t0.plusSeconds(1)));

    List<String> server = keys(postgres.history(new HistoryQuery(null, null, t0, null, null, 100)).versions());
    List<String> groups = keys(postgres.history(new HistoryQuery("Group", null, t0, null, null, 100)).versions());

    assertThat(server).contains("Group/" + group + "/1", "Patient/" + patient + "/1");
    assertThat(server.indexOf("Group/" + group + "/1")).isLessThan(server.indexOf("Patient/" + patient + "/1"));
    assertThat(groups).contains("Group/" + group + "/1").allMatch(key -> key.startsWith("Group/"));
  }

  @Test
  void aResourceCreatedAgainAfterItsDeletionKeepsOneHistoryWithTheDeletionBetween() {
    String id = UUID.randomUUID().toString();
    commit(write("Patient", id, 1, t0));
    commit(Write.delete("Patient", id, 2, t0.plusSeconds(1)));
    commit(write("Patient", id, 3, t0.plusSeconds(2)));

    HistoryPage all = postgres.history(new HistoryQuery("Patient", id, null, null, null, 10));
    HistoryPage sinceDeletion = postgres.history(new HistoryQuery("Patient", id, t0.plusSeconds(1), null, null, 10));

    assertThat(all.versions()).extracting(ResourceVersion::version).containsExactly(3, 2, 1);
    assertThat(all.versions()).extracting(ResourceVersion::deleted).containsExactly(false, true, false);
    assertThat(sinceDeletion.versions()).extracting(ResourceVersion::version).containsExactly(3, 2);
    assertThat(versionsAt(id, t0.plusMillis(1500), t0.plusMillis(1600))).as("while it was deleted")
        .containsExactly(2);
  }

  private List<Integer> versionsAt(String id, Instant start, Instant end) {
    return postgres.history(new HistoryQuery("Patient", id, null, new DateTimeRange(start, end), null, 10))
        .versions().stream().map(ResourceVersion::version).toList();
  }

  private HistoryQuery typeHistory(HistoryCursor before, int count) {
    return new HistoryQuery("Device", null, t0, new DateTimeRange(null, t0.plusSeconds(1)), before, count);
  }

  private static List<String> keys(List<ResourceVersion> versions) {
    return versions.stream().map(v -> v.type() + "/" + v.id() + "/" + v.version()).toList();
  }

  private void commit(Write... writes) {
    commit(List.of(writes));
  }

  private void commit(List<Write> writes) {
    postgres.commit(writes);
  }

  private static Write write(String type, String id, int version, Instant at) {
    String json = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
        + "\"}}";
    return new Write(type, id, version, at, json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY);
  }
}
