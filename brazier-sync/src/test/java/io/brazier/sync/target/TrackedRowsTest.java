package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.Table;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The changes a change-tracking target reports, on a real PostgreSQL: the user's edits become pending write-backs;
 * rows with sync off and rows the agent deactivated do not.
 */
class TrackedRowsTest extends OnTargetDatabase {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String TABLE = "msemr_contact";

  private final UUID key = UUID.randomUUID();

  @Test
  void aNewRowWithSyncOnIsAnInsertAndARowFhirKnowsIsAnUpdate() throws Exception {
    UUID other = UUID.randomUUID();

    record(key, row(true, 0, null, "Zoë"));
    record(other, row(true, 0, "p1", "Ann"));

    assertThat(changes()).extracting(change -> change.get("op")).containsExactly("INSERT", "UPDATE");
    assertThat(changes().get(0).get("new_row").toString()).contains("Zoë");
    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_tracked_row")).isEqualTo(2);
  }

  @Test
  void rowsWithSyncOffOrDeactivatedAreNotTheTargetsChangesAndAreForgotten() throws Exception {
    record(key, row(true, 0, "p1", "Tracked first"));

    record(key, row(false, 0, "p1", "Sync turned off"));
    record(UUID.randomUUID(), row(true, 1, "p2", "Deactivated by the agent"));

    assertThat(changes()).hasSize(1);
    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_tracked_row")).isZero();
  }

  @Test
  void aDeletedRowIsADeletionCarryingItsLastValues() throws Exception {
    record(key, row(true, 0, "p1", "First"));
    record(key, row(true, 0, "p1", "Last"));

    record(key, null);

    Map<String, Object> deletion = changes().get(2);
    assertThat(deletion.get("op")).isEqualTo("DELETE");
    assertThat(deletion.get("old_row").toString()).contains("Last").doesNotContain("First");
    assertThat(deletion.get("new_row")).isNull();
  }

  @Test
  void aDeletedRowTheTargetNeverReportedWithSyncOnIsNoChange() throws Exception {
    record(key, row(false, 0, "p1", "Never synced"));

    record(key, null);
    record(UUID.randomUUID(), null);

    assertThat(changes()).isEmpty();
  }

  @Test
  void eachTablesPositionIsKeptAndMovedOn() throws Exception {
    database.transaction(connection -> {
      TrackedRows.save(connection, Map.of(TABLE, "token-1", "msemr_device", "token-a"));
      TrackedRows.save(connection, Map.of(TABLE, "token-2"));
      return null;
    });

    Map<String, String> positions = database.transaction(TrackedRows::positions);

    assertThat(positions).containsOnly(Map.entry(TABLE, "token-2"), Map.entry("msemr_device", "token-a"));
  }

  private void record(UUID rowKey, ObjectNode row) throws Exception {
    database.transaction(connection -> {
      TrackedRows.record(connection, new RowStore.Reported(TABLE, rowKey, row));
      return null;
    });
  }

  private List<Map<String, Object>> changes() {
    return TestTargets.rows(config, "SELECT op, old_row, new_row FROM sync_row_change ORDER BY id");
  }

  private static ObjectNode row(boolean sync, int state, String fhirId, String name) {
    ObjectNode row = JSON.createObjectNode().put(Table.SYNC_ENABLED, sync).put(Table.STATE, state)
        .put("msemr_name", name);
    return fhirId == null ? row : row.put(Table.FHIR_ID, fhirId);
  }
}
