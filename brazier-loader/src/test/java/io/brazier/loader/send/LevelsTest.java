package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LevelsTest {

  @Test
  void anEntryIsSentAfterTheEntriesItRefersToNeverWithThem() throws IOException {
    Item observation = put(0, "Observation", "o1", "Encounter/e1");
    Item encounter = put(1, "Encounter", "e1", "Patient/p1");
    Item patient = put(2, "Patient", "p1", null);
    Item other = put(3, "Patient", "p2", null);

    List<List<List<Item>>> levels = Levels.of(List.of(observation, encounter, patient, other), 500);

    assertThat(levels).containsExactly(List.of(List.of(patient, other)), List.of(List.of(encounter)),
        List.of(List.of(observation)));
  }

  @Test
  void aCycleIsBrokenWhereTheWalkMeetsItAndLevelsAreCutAtMaxEntries() throws IOException {
    Item a = put(0, "Patient", "a", "Patient/b");
    Item b = put(1, "Patient", "b", "Patient/a");
    Item c = put(2, "Patient", "c", null);

    List<List<List<Item>>> levels = Levels.of(List.of(a, b, c), 1);

    assertThat(levels).containsExactly(List.of(List.of(b), List.of(c)), List.of(List.of(a)));
  }

  private static Item put(int index, String type, String id, String reference) throws IOException {
    String link = reference == null ? "" : ",\"link\":{\"reference\":\"" + reference + "\"}";
    ObjectNode entry = Json.parse(("{\"resource\":{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"" + link
        + "},\"request\":{\"method\":\"PUT\",\"url\":\"" + type + "/" + id + "\"}}").getBytes());
    return new Item(index, entry);
  }
}
