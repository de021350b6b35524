package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.Parallel;
import io.brazier.store.ResourceVersion;
import io.brazier.store.TestStore;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private final PostgresStore store = TestStore.shared().store();

  @Test
  void concurrentCommitsAllLandAndEachFailingOneFailsAlone() throws Exception {
    String prefix = "group-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    store.commit(List.of(write(prefix + "taken", 1)));
    int callers = 48;

    // Every eighth caller creates a resource that exists already: a conflict that is its own and no one else's.
    Parallel.Run<Throwable> run = Parallel.run(callers, 1, (caller, step) -> {
      try {
        store.commit(List.of(write(caller % 8 == 0 ? prefix + "taken" : prefix + caller, 1)));
        return null;
      } catch (RuntimeException e) {
        return e;
      }
    });

    assertThat(run.mostAtOnce()).as("commits at once").isGreaterThan(1);
    assertThat(run.results()).filteredOn(failure -> failure != null).hasSize(callers / 8)
        .allSatisfy(failure -> assertThat(failure).isInstanceOf(VersionConflictException.class));
    for (int i = 0; i < callers; i++) {
      if (i % 8 != 0) {
        assertThat(store.current("Patient", prefix + i)).map(ResourceVersion::version).contains(1);
      }
    }
  }

  @Test
  void aLargeBatchCommitsOnItsOwnAllOrNothing() {
    String prefix = "large-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    store.commit(List.of(write(prefix + "0", 1)));
    List<Write> batch = new ArrayList<>();
    for (int i = 0; i <= GroupCommit.MAX_GROUPED_BATCH; i++) {
      batch.add(write(prefix + i, 1));
    }

    Throwable failure = catching(() -> store.commit(batch));

    assertThat(failure).isInstanceOf(VersionConflictException.class);
    assertThat(store.current("Patient", prefix + "1")).isEmpty();
  }

  private static Throwable catching(Runnable action) {
    try {
      action.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static Write write(String id, int version) {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version + "\"}}";
    return new Write("Patient", id, version, Instant.now(), json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY);
  }
}
