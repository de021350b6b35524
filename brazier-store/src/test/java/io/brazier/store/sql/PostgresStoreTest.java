package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestDatabase;
import io.brazier.store.TestStore;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The store's reads and writes of versions, one at a time and in batches, and what it tells about itself. */
class PostgresStoreTest {
  private final TestStore test = TestStore.shared();
  private final PostgresStore store = test.store();
  private final String prefix = "store-" + UUID.randomUUID().toString().substring(0, 8) + "-";

  @Test
  void theCurrentVersionIsTheLastWrittenAndEachVersionStaysReadable() {
    Instant first = Instant.parse("2024-01-01T00:00:00.123456Z");
    store.commit(List.of(write(prefix + "a", 1, first)));
    store.commit(List.of(write(prefix + "a", 2, first.plusSeconds(60))));

    ResourceVersion current = store.current("Patient", prefix + "a").orElseThrow();
    ResourceVersion old = store.version("Patient", prefix + "a", 1).orElseThrow();

    assertThat(current.version()).isEqualTo(2);
    assertThat(current.lastUpdated()).isEqualTo(first.plusSeconds(60));
    assertThat(old.lastUpdated()).as("to the microsecond").isEqualTo(first);
    assertThat(old.json()).asString(StandardCharsets.UTF_8).contains("\"versionId\":\"1\"");
    assertThat(store.version("Patient", prefix + "a", 2).orElseThrow().json()).isEqualTo(current.json());
    assertThat(store.version("Patient", prefix + "a", 3)).isEmpty();
    assertThat(store.version("Patient", prefix + "a", 0)).isEmpty();
  }

  @Test
  void aResourceNeverStoredIsNotFoundAndATypeNeverRegisteredIsRefused() {
    assertThat(store.current("Patient", prefix + "never")).isEmpty();
    assertThat(store.version("Patient", prefix + "never", 1)).isEmpty();
    assertThatThrownBy(() -> store.current("Starship", "1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Starship");
  }

  @Test
  void aDeletionIsTheCurrentVersionWithoutABodyAndTheVersionBeforeStaysReadable() {
    store.commit(List.of(write(prefix + "d", 1, Instant.now())));
    store.commit(List.of(Write.delete("Patient", prefix + "d", 2, Instant.now())));

    ResourceVersion current = store.current("Patient", prefix + "d").orElseThrow();

    assertThat(current.deleted()).isTrue();
    assertThat(current.json()).isNull();
    assertThat(store.version("Patient", prefix + "d", 1).orElseThrow().deleted()).isFalse();
  }

  @Test
  void purgingHistoryKeepsOnlyTheCurrentVersionOfThatResource() {
    Instant first = Instant.now();
    for (int version = 1; version <= 3; version++) {
      store.commit(List.of(write(prefix + "purged", version, first.plusMillis(version))));
    }
    store.commit(List.of(write(prefix + "kept", 1, first)));
    store.commit(List.of(write(prefix + "kept", 2, first.plusMillis(1))));

    int purged = store.purgeHistory("Patient", prefix + "purged");

    assertThat(purged).isEqualTo(2);
    assertThat(store.current("Patient", prefix + "purged").orElseThrow().version()).isEqualTo(3);
    assertThat(store.version("Patient", prefix + "purged", 3)).isPresent();
    assertThat(store.version("Patient", prefix + "purged", 1)).isEmpty();
    assertThat(store.version("Patient", prefix + "purged", 2)).isEmpty();
    assertThat(store.version("Patient", prefix + "kept", 1)).as("another resource's history").isPresent();
    assertThat(store.purgeHistory("Patient", prefix + "purged")).as("nothing left to purge").isZero();
    assertThat(store.purgeHistory("Patient", prefix + "never")).isZero();
  }

  @Test
  void aPurgeOfADeletedResourcesHistoryLeavesAResourceWrittenAgainAlone() {
    Instant first = Instant.now();
    store.commit(List.of(write(prefix + "back", 1, first)));
    store.commit(List.of(Write.delete("Patient", prefix + "back", 2, first.plusMillis(1))));
    store.commit(List.of(write(prefix + "back", 3, first.plusMillis(2))));
    store.commit(List.of(write(prefix + "gone", 1, first)));
    store.commit(List.of(Write.delete("Patient", prefix + "gone", 2, first.plusMillis(1))));

    int back = store.purgeDeletedHistory("Patient", prefix + "back");
    int gone = store.purgeDeletedHistory("Patient", prefix + "gone");

    assertThat(back).isZero();
    assertThat(store.version("Patient", prefix + "back", 1)).isPresent();
    assertThat(gone).isEqualTo(1);
    assertThat(store.version("Patient", prefix + "gone", 1)).isEmpty();
    assertThat(store.purgeDeletedHistory("Patient", prefix + "never")).isZero();
  }

  @Test
  void writesAndPurgesCommitWithAJobsProgressOnlyWhileItsRunnerHoldsTheJob() {
    String kind = prefix + "job";
    String job = store.jobs().submit(kind, "{}", null);
    store.jobs().claim("runner", Set.of(kind), Duration.ofMinutes(1)).orElseThrow();
    Instant now = Instant.now();

    boolean stored = store.commit(List.of(write(prefix + "held", 1, now)), beat(job, "runner", 1));
    boolean storedForAnother = store.commit(List.of(write(prefix + "lost", 1, now)), beat(job, "another", 9));
    store.commit(List.of(write(prefix + "held", 2, now.plusMillis(1))));
    OptionalInt purgedForAnother = store.purgeHistories("Patient", List.of(prefix + "held"), false,
        count -> beat(job, "another", 9));
    boolean keptForAnother = store.version("Patient", prefix + "held", 1).isPresent();
    OptionalInt purged = store.purgeHistories("Patient", List.of(prefix + "held", prefix + "never"), false,
        count -> beat(job, "runner", 1 + count));

    assertThat(stored).isTrue();
    assertThat(storedForAnother).isFalse();
    assertThat(store.current("Patient", prefix + "lost")).as("rolled back with the refused progress").isEmpty();
    assertThat(purgedForAnother).isEmpty();
    assertThat(keptForAnother).as("rolled back with the refused progress").isTrue();
    assertThat(purged).hasValue(1);
    assertThat(store.version("Patient", prefix + "held", 1)).isEmpty();
    assertThat(store.jobs().read(job).orElseThrow().done()).as("what the runner recorded last").isEqualTo(2);
  }

  private static JobHeartbeat beat(String job, String owner, long done) {
    return new JobHeartbeat(job, owner, done, null, "{}", Duration.ofMinutes(1));
  }

  @Test
  void aBatchWithOneStaleWriteStoresNothingAndNamesTheStaleResource() {
    store.commit(List.of(write(prefix + "stale", 1, Instant.now())));
    List<Write> batch = List.of(write(prefix + "new", 1, Instant.now()), write(prefix + "stale", 3, Instant.now()));

    assertThatThrownBy(() -> store.commit(batch)).isInstanceOfSatisfying(VersionConflictException.class,
        conflict -> assertThat(conflict.id()).isEqualTo(prefix + "stale"));

    assertThat(store.current("Patient", prefix + "new")).isEmpty();
    assertThat(store.current("Patient", prefix + "stale").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void creatingAResourceThatExistsIsAConflict() {
    store.commit(List.of(write(prefix + "twice", 1, Instant.now())));

    assertThatThrownBy(() -> store.commit(List.of(write(prefix + "twice", 1, Instant.now()))))
        .isInstanceOf(VersionConflictException.class);
  }

  @Test
  void aBatchThatCreatesAResourceTwiceIsRefusedNamingItBeforeAnythingIsWritten() throws SQLException {
    Instant now = Instant.now();
    List<Write> batch = List.of(write(prefix + "beside", 1, now), write(prefix + "twice", 1, now),
        write(prefix + "twice", 1, now));

    assertThatThrownBy(() -> store.commit(batch)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Patient/" + prefix + "twice");
    assertThatThrownBy(() -> store.commit(batch, beat("no-job", "runner", 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Patient/" + prefix + "twice");

    assertThat(store.current("Patient", prefix + "twice")).isEmpty();
    assertThat(store.current("Patient", prefix + "beside")).isEmpty();
    assertThat(changes(prefix + "twice")).isZero();
  }

  @Test
  void aBatchThatWritesTwoVersionsOfAResourceIsRefusedNamingIt() throws SQLException {
    Instant now = Instant.now();
    store.commit(List.of(write(prefix + "existing", 1, now)));

    // Each would leave the first version's change (and index rows) beside the second's.
    assertThatThrownBy(() -> store.commit(List.of(write(prefix + "new", 1, now), write(prefix + "new", 2, now))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Patient/" + prefix + "new");
    assertThatThrownBy(() -> store.commit(List.of(write(prefix + "existing", 2, now),
        write(prefix + "existing", 2, now.plusMillis(1))))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Patient/" + prefix + "existing");

    assertThat(store.current("Patient", prefix + "new")).isEmpty();
    assertThat(store.current("Patient", prefix + "existing").orElseThrow().version()).isEqualTo(1);
    assertThat(changes(prefix + "new")).isZero();
    assertThat(changes(prefix + "existing")).isEqualTo(1);
  }

  @Test
  void anEmptyCommitWritesNothingAndTellsNoListener() throws SQLException {
    List<Set<String>> heard = new CopyOnWriteArrayList<>();
    Runnable stop = store.onChanges(heard::add);
    long changes = TestDatabase.unnumberedChanges(test.database());
    try {
      store.commit(List.of());

      assertThat(heard).isEmpty();
      assertThat(TestDatabase.unnumberedChanges(test.database())).isEqualTo(changes);
    } finally {
      stop.run();
    }
  }

  @Test
  void listenersHearTheTypesOfACommitBeforeItReturnsOnTheCommittingThread() {
    List<Set<String>> heard = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    Runnable stop = store.onChanges(types -> {
      heard.add(types);
      threads.add(Thread.currentThread());
    });

    store.commit(List.of(write(prefix + "heard", 1, Instant.now()), observation(prefix + "heard")));
    stop.run();
    store.commit(List.of(write(prefix + "unheard", 1, Instant.now())));

    assertThat(heard).containsExactly(Set.of("Patient", "Observation"));
    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void existingNamesTheLiveResourcesAmongThoseAskedAbout() {
    store.commit(List.of(write(prefix + "live", 1, Instant.now()), write(prefix + "gone", 1, Instant.now())));
    store.commit(List.of(Write.delete("Patient", prefix + "gone", 2, Instant.now())));

    Set<String> existing = store.existing(List.of("Patient/" + prefix + "live", "Patient/" + prefix + "gone",
        "Patient/" + prefix + "never", "Observation/" + prefix + "live"));

    assertThat(existing).containsExactly("Patient/" + prefix + "live");
    assertThat(store.existing(List.of())).isEmpty();
  }

  @Test
  void theDatabaseAnswersAndTellsTheSizeOfItsTables() {
    assertThat(store.healthy()).isTrue();
    assertThat(store.tableSizes()).containsKeys("resource", "resource_history", "search_token")
        .allSatisfy((table, bytes) -> assertThat(bytes).isNotNegative())
        .hasEntrySatisfying("resource", bytes -> assertThat(bytes).isPositive());
  }

  @Test
  void vacuumAnalyzeRunsOnALiveDatabase() {
    store.commit(List.of(write(prefix + "vacuumed", 1, Instant.now())));

    store.vacuumAnalyze();

    assertThat(store.current("Patient", prefix + "vacuumed")).isPresent();
  }

  private long changes(String id) throws SQLException {
    try (Connection connection = test.database().dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM change WHERE res_id = ?")) {
      statement.setString(1, id);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static Write observation(String id) {
    String json = "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\"}";
    return new Write("Observation", id, 1, Instant.now(), json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY);
  }

  private static Write write(String id, int version, Instant at) {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version + "\"}}";
    return new Write("Patient", id, version, at.truncatedTo(ChronoUnit.MICROS), json.getBytes(StandardCharsets.UTF_8),
        SearchIndex.EMPTY);
  }
}
