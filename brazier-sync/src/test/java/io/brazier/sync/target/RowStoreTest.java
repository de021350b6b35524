package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the agent relies on from any row store, shown on the relational one over a real PostgreSQL: maps it cannot
 * take are refused with a sentence, a batch written again after a failure puts the same rows in the same places, and
 * a store whose triggers record the target's changes has none to tell and nothing to do before a creation.
 */
class RowStoreTest extends OnTargetDatabase {
  private final MapSet maps = TestMaps.patients("\"writeBack\": true,");
  private final RowStore store = new RelationalRows(database);

  @Test
  void mapsTheTargetCannotTakeAreRefusedWithASentenceSayingWhy() {
    TestTargets.execute(config, "CREATE TABLE contact (contactid uuid PRIMARY KEY, lastname integer)");

    assertThatThrownBy(() -> store.prepare(maps)).isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("Column contact.lastname is integer in the target, but the maps make it string: change the map's"
            + " type, or the column");
  }

  @Test
  void aBatchWrittenAgainAfterAFailurePutsTheSameRowsInTheSamePlaces() throws Exception {
    store.prepare(maps);
    write(List.of(Items.patient(maps, "gone", 1, "Gone", "MRN-0")), List.of());
    List<Item> written = List.of(Items.patient(maps, "p1", 2, "Chalmers", "MRN-1", "SSN-1"),
        Items.patient(maps, "p2", 1, "Windsor"));
    List<Item> deleted = List.of(Items.deleted(maps, "Patient", "gone", 2));

    write(written, deleted);
    List<Map<String, Object>> once = everyRow();
    write(written, deleted);

    assertThat(everyRow()).isEqualTo(once).hasSize(4);
  }

  @Test
  void aStoreWhoseTriggersRecordTheTargetsChangesTellsNoneAndDoesNothingBeforeACreation() throws Exception {
    store.prepare(maps);
    write(List.of(Items.patient(maps, "p3", 1, "Chalmers")), List.of());
    List<Map<String, Object>> before = everyRow();

    store.creating(maps.root("Patient"), Keys.row("Patient", "p3"), "another-id");

    assertThat(store.changes(maps, Map.of())).isNull();
    assertThat(everyRow()).isEqualTo(before);
  }

  private void write(List<Item> written, List<Item> deleted) throws Exception {
    database.transaction(connection -> {
      store.write(connection, maps, written, deleted);
      return null;
    });
  }

  /** Every row of both tables, keys and values, in key order. */
  private List<Map<String, Object>> everyRow() {
    List<Map<String, Object>> rows = new java.util.ArrayList<>(TestTargets.rows(config,
        "SELECT * FROM contact ORDER BY contactid"));
    rows.addAll(TestTargets.rows(config, "SELECT * FROM msemr_medicalidentifier ORDER BY msemr_medicalidentifierid"));
    return rows;
  }
}
