package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.store.TestStore;
import io.brazier.testkit.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Each node keeps the parameter keys it has seen; what another node made since is read when a search misses it. */
class ParamKeysTest {
  private final DataSource dataSource = TestStore.shared().database().dataSource();
  private final TypeKeys types = new TypeKeys(dataSource, TestStore.shared().fhir().resourceTypes());
  private final String code = "code-" + UUID.randomUUID();

  @Test
  void aKeyAnotherNodeMadeIsFoundByALookupThatBeganAfterIt() {
    ParamKeys here = new ParamKeys(dataSource, types);
    ParamKeys there = new ParamKeys(dataSource, types);
    Integer before = here.lookup().find("Patient", code);

    there.register(List.<String[]>of(new String[] {"Patient", code}));
    Integer after = here.lookup().find("Patient", code);

    assertThat(before).isNull();
    assertThat(after).isEqualTo(there.key("Patient", code));
  }

  @Test
  void aLookupOfEveryTypeFindsTheKeysAnotherNodeMade() {
    ParamKeys here = new ParamKeys(dataSource, types);
    ParamKeys there = new ParamKeys(dataSource, types);

    there.register(List.of(new String[] {"Patient", code}, new String[] {"Observation", code}));
    Integer[] found = here.lookup().find(List.of(), code);

    assertThat(found).containsExactlyInAnyOrder(there.key("Patient", code), there.key("Observation", code));
  }

  @Test
  void aLookupReadsTheNewKeysOnceAndSeesWhatWasMadeBeforeItBegan() {
    ParamKeys here = new ParamKeys(dataSource, types);
    ParamKeys there = new ParamKeys(dataSource, types);
    ParamKeys.Lookup lookup = here.lookup();
    String later = code + "-later";

    Integer missed = lookup.find("Patient", code); // reads the new keys: none
    there.register(List.<String[]>of(new String[] {"Patient", later}));

    assertThat(missed).isNull();
    assertThat(lookup.find("Patient", later)).as("made after the lookup began, which has read once").isNull();
    assertThat(here.lookup().find("Patient", later)).isEqualTo(there.key("Patient", later));
  }

  @Test
  void aParameterNoResourceWasIndexedWithIsNotKnownAndHasNoKey() {
    ParamKeys keys = new ParamKeys(dataSource, types);

    assertThat(keys.known("Patient", code)).isFalse();
    assertThatThrownBy(() -> keys.key("Patient", code)).isInstanceOf(IllegalStateException.class)
        .hasMessage("Search parameter Patient." + code + " has no key");
  }

  @Test
  void registeringAgainKeepsTheKeyAndEachTypeOfACodeHasAKeyOfItsOwn() {
    ParamKeys keys = new ParamKeys(dataSource, types);
    keys.register(List.<String[]>of(new String[] {"Patient", code}));
    int first = keys.key("Patient", code);

    keys.register(List.of(new String[] {"Patient", code}, new String[] {"Observation", code}));
    ParamKeys restarted = new ParamKeys(dataSource, types);

    assertThat(keys.known("Patient", code)).isTrue();
    assertThat(keys.key("Patient", code)).isEqualTo(first);
    assertThat(keys.key("Observation", code)).isNotEqualTo(first);
    assertThat(restarted.key("Patient", code)).as("read at start").isEqualTo(first);
  }

  @Test
  void aTypeNoNodeRegisteredIsRefusedAndNoKeyIsMadeForTheOthersOfItsBatch() {
    ParamKeys keys = new ParamKeys(dataSource, types);

    assertThatThrownBy(() -> keys.register(List.of(new String[] {"Patient", code}, new String[] {"Starship", code})))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Unknown resource type Starship");
    assertThat(new ParamKeys(dataSource, types).known("Patient", code)).isFalse();
    assertThatThrownBy(() -> keys.lookup().find("Starship", code)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodesMakingKeysAtOnceAllGetThemAndAThirdFindsThemAll() throws Exception {
    int nodes = 8;
    ParamKeys reader = new ParamKeys(dataSource, types);
    List<ParamKeys> each = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      each.add(new ParamKeys(dataSource, types));
    }

    Parallel.Run<Integer> run = Parallel.run(nodes, 1, (n, step) -> {
      each.get(n).register(List.of(new String[] {"Patient", code}, new String[] {"Patient", code + "-" + n}));
      return each.get(n).key("Patient", code);
    });

    assertThat(run.mostAtOnce()).as("nodes making keys at once").isGreaterThan(1);
    assertThat(run.results()).as("one key for the code all made")
        .containsOnly(reader.lookup().find("Patient", code));
    ParamKeys.Lookup lookup = reader.lookup();
    for (int n = 0; n < nodes; n++) {
      assertThat(lookup.find("Patient", code + "-" + n)).isNotNull();
    }
  }
}
