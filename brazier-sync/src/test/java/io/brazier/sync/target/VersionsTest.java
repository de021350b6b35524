package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.TestTargets;
import io.brazier.sync.map.Rows;
import java.time.Instant;
import io.brazier.testkit.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The version guard on a real PostgreSQL: a version applies once, in order, whatever the order changes arrive in. */
class VersionsTest extends OnTargetDatabase {
  @Test
  void aNewerVersionAppliesAndTheSameOrAnOlderOneIsSkipped() throws Exception {
    claim(false, version("Patient", "p1", 2));

    Set<String> newer = claim(false, version("Patient", "p1", 3));
    Set<String> same = claim(false, version("Patient", "p1", 3));
    Set<String> older = claim(false, version("Patient", "p1", 1));

    assertThat(newer).containsExactly("Patient/p1");
    assertThat(same).isEmpty();
    assertThat(older).isEmpty();
    assertThat(TestTargets.number(config, "SELECT version FROM sync_version WHERE id = 'p1'")).isEqualTo(3);
  }

  @Test
  void aReplayAppliesTheSameVersionAndStateAgainButNeverAnOlderOne() throws Exception {
    claim(false, version("Patient", "p1", 3));

    assertThat(claim(true, version("Patient", "p1", 3))).containsExactly("Patient/p1");
    assertThat(claim(true, deletion("Patient", "p1", 3))).as("another state at that version").isEmpty();
    assertThat(claim(true, version("Patient", "p1", 2))).isEmpty();
  }

  @Test
  void aDeletionWithoutAVersionAppliesOnceAndAnyLaterVersionStillAppliesAfterIt() throws Exception {
    claim(false, version("Patient", "p1", 4));

    Set<String> deleted = claim(false, deletion("Patient", "p1", null));
    Set<String> deletedAgain = claim(false, deletion("Patient", "p1", null));
    Set<String> stale = claim(false, version("Patient", "p1", 4));
    Set<String> recreated = claim(false, version("Patient", "p1", 5));

    assertThat(deleted).containsExactly("Patient/p1");
    assertThat(deletedAgain).isEmpty();
    assertThat(stale).as("the version the deletion kept").isEmpty();
    assertThat(recreated).containsExactly("Patient/p1");
    assertThat(TestTargets.rows(config, "SELECT version, deleted FROM sync_version"))
        .containsExactly(Map.of("version", 5, "deleted", false));
  }

  @Test
  void aDeletionOfAResourceTheTargetNeverSawIsRecordedSoItsOldVersionsStaySkipped() throws Exception {
    Set<String> deleted = claim(false, deletion("Observation", "o1", 7));

    assertThat(deleted).containsExactly("Observation/o1");
    assertThat(claim(false, version("Observation", "o1", 6))).isEmpty();
  }

  @Test
  void theSameIdInTwoTypesAreTwoResources() throws Exception {
    Set<String> claimed = claim(false, version("Patient", "x", 1), version("Practitioner", "x", 1));

    assertThat(claimed).containsExactlyInAnyOrder("Patient/x", "Practitioner/x");
  }

  @Test
  void thePartitionOfEachResourceIsRecordedForChangesThatCarryNone() throws Exception {
    claim(false, new Item(1, "Observation", "o1", 1, "Patient/p1", null, rows("Observation", "o1", 1), null),
        new Item(2, "Patient", "p2", 1, null, null, rows("Patient", "p2", 1), null));

    Map<String, String> partitions = database.transaction(connection -> Versions.partitions(connection,
        List.of("Observation/o1", "Patient/p2", "Patient/unknown")));

    assertThat(partitions).containsExactly(Map.entry("Observation/o1", "Patient/p1"));
  }

  @Test
  @Timeout(60)
  void batchesSharingResourcesInOppositeOrdersNeverDeadlockAndEachVersionAppliesOnce() throws Exception {
    int batches = 6;
    List<Item> forward = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      forward.add(version("Patient", "shared-" + i, 1));
    }
    List<Item> backward = new ArrayList<>(forward);
    Collections.reverse(backward);

    Parallel.Run<Set<String>> claims = Parallel.run(batches, 1, (batch, step) -> database.transaction(
        connection -> Versions.claim(connection, batch % 2 == 0 ? forward : backward, false)));

    assertThat(claims.mostAtOnce()).as("batches overlapped").isGreaterThan(1);
    assertThat(claims.results().stream().flatMap(Set::stream)).hasSize(50).doesNotHaveDuplicates();
  }

  private Set<String> claim(boolean replay, Item... items) throws Exception {
    return database.transaction(connection -> Versions.claim(connection, List.of(items), replay));
  }

  private static Item version(String type, String id, int version) {
    return new Item(1, type, id, version, type + "/" + id, null, rows(type, id, version), null);
  }

  private static Item deletion(String type, String id, Integer version) {
    return new Item(1, type, id, version, type + "/" + id, null, null, null);
  }

  private static Rows rows(String type, String id, int version) {
    return new Rows(type, id, version, Instant.EPOCH, List.of(), List.of(), Map.of());
  }
}
