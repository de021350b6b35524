package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.testkit.Parallel;
import io.brazier.store.TestStore;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Every node agrees on the key of each type name: keys, once stored, never change, and new names get new keys. */
class TypeKeysTest {
  private final DataSource dataSource = TestStore.shared().database().dataSource();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aNodeStartedLaterFindsTheKeysStoredBefore() {
    TypeKeys first = new TypeKeys(dataSource, List.of("Patient", "Alpha" + suffix));

    TypeKeys later = new TypeKeys(dataSource, List.of("Alpha" + suffix, "Patient"));

    assertThat(later.key("Alpha" + suffix)).isEqualTo(first.key("Alpha" + suffix));
    assertThat(later.key("Patient")).isEqualTo(first.key("Patient"));
    assertThat(later.name(first.key("Alpha" + suffix))).isEqualTo("Alpha" + suffix);
  }

  @Test
  void aNewNameGetsAKeyOfItsOwnAndLeavesTheOthersAsTheyWere() {
    TypeKeys before = new TypeKeys(dataSource, List.of("Patient", "Observation"));

    TypeKeys after = new TypeKeys(dataSource, List.of("Patient", "Observation", "Beta" + suffix));

    assertThat(after.key("Patient")).isEqualTo(before.key("Patient"));
    assertThat(after.key("Observation")).isEqualTo(before.key("Observation"));
    assertThat(after.key("Beta" + suffix)).isNotIn(before.key("Patient"), before.key("Observation"))
        .isPositive();
  }

  @Test
  void aKeyAnotherNodeRegisteredSinceThisOneStartedIsNamedAllTheSame() {
    TypeKeys here = new TypeKeys(dataSource, List.of("Patient"));
    TypeKeys there = new TypeKeys(dataSource, List.of("Patient", "Eta" + suffix));

    String name = here.name(there.key("Eta" + suffix));

    assertThat(name).isEqualTo("Eta" + suffix);
  }

  @Test
  void aNameNeverRegisteredIsRefusedAndAnUnknownKeyHasNoName() {
    TypeKeys keys = new TypeKeys(dataSource, List.of("Patient"));

    assertThatThrownBy(() -> keys.key("Gamma" + suffix)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown resource type Gamma" + suffix);
    assertThat(keys.name((short) -1)).isNull();
  }

  @Test
  void nodesStartingAtOnceWithTheSameNewNamesAllGetTheSameKeys() throws Exception {
    List<String> names = List.of("Delta" + suffix, "Epsilon" + suffix, "Zeta" + suffix);

    Parallel.Run<List<Short>> run = Parallel.run(6, 1, (thread, step) -> {
      TypeKeys keys = new TypeKeys(dataSource, names);
      return names.stream().map(keys::key).toList();
    });

    assertThat(run.mostAtOnce()).as("nodes starting at once").isGreaterThan(1);
    assertThat(run.results()).hasSize(6).containsOnly(run.results().get(0));
    assertThat(run.results().get(0)).doesNotHaveDuplicates();
  }
}
