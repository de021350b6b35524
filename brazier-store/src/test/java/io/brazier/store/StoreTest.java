package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.store.sql.Database;
import io.brazier.testkit.Parallel;
import io.brazier.store.sql.PostgresStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the store promises to the nodes that share its database, each with a store of its own: a commit is all or
 * nothing and a version is written once, whichever node races for it, and a write that one node acknowledged is
 * within the watermark that another node takes next.
 */
class StoreTest {
  private static final int ROUNDS = 5;

  private static TestStore own;
  private static Store here;
  private static Store there;

  @BeforeAll
  static void open() {
    own = TestStore.own();
    here = own.store();
    var pool = own.database().pool();
    there = new PostgresStore(Database.open(new DatabaseConfig(pool.getJdbcUrl(), pool.getUsername(),
        pool.getPassword(), null, 4, Duration.ofSeconds(30))), own.fhir().resourceTypes());
  }

  @AfterAll
  static void close() {
    there.close();
    own.close();
  }

  @Test
  void twoNodesRacingForTheSameVersionWriteItOnceAndTheLosersOtherWritesNot() throws Exception {
    int mostAtOnce = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String patient = own.save(new Patient().setActive(true));
      String[] devices = {"here-" + UUID.randomUUID(), "there-" + UUID.randomUUID()};

      Parallel.Run<String> run = Parallel.run(2, 1, (node, step) -> {
        List<Write> writes = List.of(own.write(new Patient().setActive(node == 0).setId(patient), 2),
            own.write(new Device().setManufacturer("racer").setId(devices[node]), 1));
        try {
          (node == 0 ? here : there).commit(writes);
          return devices[node];
        } catch (VersionConflictException e) {
          assertThat(e.type() + "/" + e.id()).isEqualTo("Patient/" + patient);
          return null;
        }
      });

      mostAtOnce = Math.max(mostAtOnce, run.mostAtOnce());
      List<String> winners = run.results().stream().filter(Objects::nonNull).toList();
      assertThat(winners).as("round " + round).hasSize(1);
      String loser = devices[0].equals(winners.get(0)) ? devices[1] : devices[0];
      assertThat(here.existing(List.of("Device/" + winners.get(0), "Device/" + loser)))
          .containsExactly("Device/" + winners.get(0));
      boolean active = here.current("Patient", patient).map(v -> new String(v.json())).orElseThrow()
          .contains("\"active\":true");
      assertThat(active).as("the winner's version 2").isEqualTo(winners.get(0).startsWith("here-"));
    }
    assertThat(mostAtOnce).as("the nodes' commits overlapped").isEqualTo(2);
  }

  @Test
  void aWriteAcknowledgedOnOneNodeIsWithinTheWatermarkTheOtherTakesNext() {
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      acknowledged.add(own.save(new Device().setManufacturer("watermarked")));

      long watermark = there.watermark();

      List<String> scanned = there.scan(AsOfScan.of("Device", watermark, 1000), own.search()).versions().stream()
          .map(ResourceVersion::id).toList();
      assertThat(scanned).containsAll(acknowledged);
    }
  }

  @Test
  void currentVersionsOfManyAreReadTogetherAndAKeyThatIsNotTypeSlashIdIsRefused() {
    String kept = own.save(new Device());
    String deleted = own.save(new Device());
    here.commit(List.of(Write.delete("Device", deleted, 2, Instant.now())));

    Map<String, ResourceVersion> current = there.current(List.of("Device/" + kept, "Device/" + deleted,
        "Device/never"));

    assertThat(current).containsOnlyKeys("Device/" + kept, "Device/" + deleted);
    assertThat(current.get("Device/" + deleted).deleted()).isTrue();
    assertThat(current.get("Device/" + kept).version()).isEqualTo(1);
    for (String key : List.of("Device", "NoSuchType/1")) {
      assertThatThrownBy(() -> there.current(List.of(key))).as(key).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
