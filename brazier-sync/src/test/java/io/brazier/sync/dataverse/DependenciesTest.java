package io.brazier.sync.dataverse;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.map.Keys;
import io.brazier.sync.map.Row;
import io.brazier.sync.map.Rows;
import io.brazier.sync.target.Item;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The order of a change set: what others of the batch point to goes before them, since Dataverse refuses a binding
 * to a row it does not have yet; otherwise the batch's order.
 */
class DependenciesTest {

  @Test
  void aResourceGoesBeforeThoseThatPointToIt() {
    Item observation = item("Observation", "o-1", "Encounter/e-1", "Patient/p-1");
    Item encounter = item("Encounter", "e-1", "Patient/p-1");
    Item patient = item("Patient", "p-1");

    assertThat(Dependencies.first(List.of(observation, encounter, patient)))
        .containsExactly(patient, encounter, observation);
  }

  @Test
  void resourcesThatPointToNoneOfTheBatchKeepItsOrder() {
    Item first = item("Patient", "p-2");
    Item second = item("Observation", "o-9", "Patient/elsewhere");
    Item third = item("Patient", "p-1");

    assertThat(Dependencies.first(List.of(first, second, third))).containsExactly(first, second, third);
  }

  @Test
  void aResourcePointedToByManyComesOnceBeforeTheFirstOfThem() {
    Item first = item("Observation", "o-1", "Patient/p-1");
    Item second = item("Observation", "o-2", "Patient/p-1");
    Item patient = item("Patient", "p-1");

    assertThat(Dependencies.first(List.of(first, second, patient))).containsExactly(patient, first, second);
  }

  @Test
  void aResourcePointingToItselfIsTakenOnce() {
    Item linked = item("Patient", "p-1", "Patient/p-1");

    assertThat(Dependencies.first(List.of(linked))).containsExactly(linked);
  }

  @Test
  void resourcesInACycleAreEachTakenOnce() {
    Item first = item("Patient", "p-1", "Patient/p-2");
    Item second = item("Patient", "p-2", "Patient/p-1");
    Item after = item("Observation", "o-1", "Patient/p-1");

    assertThat(Dependencies.first(List.of(first, second, after))).containsExactly(second, first, after);
  }

  /** A resource whose root row holds lookups to the rows of {@code references} ({@code Patient/p-1}). */
  private static Item item(String type, String id, String... references) {
    Map<String, Object> values = new HashMap<>();
    values.put("name", type + " " + id);
    for (int i = 0; i < references.length; i++) {
      String[] reference = references[i].split("/");
      values.put("lookup" + i, Keys.row(reference[0], reference[1]));
    }
    Row root = new Row(null, Keys.row(type, id), values);
    Rows rows = new Rows(type, id, 1, Instant.parse("2026-12-06T00:00:00Z"), List.of(root), List.of(), Map.of());
    return new Item(1, type, id, 1, type + "/" + id, null, rows, null);
  }
}
