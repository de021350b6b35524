package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.MapSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A row the target inserted moved to the key of the resource it became, on a real PostgreSQL: its children and the
 * lookups of the maps that write back follow it; the lookups of the others, which only FHIR's keys fill, do not.
 */
class RowKeysTest extends OnTargetDatabase {
  private static final String OBSERVATION = """
      {"resource": "Observation", "table": "msemr_observation", "writeBack": %s, "attributes": [
        {"column": "msemr_patient", "path": "subject", "action": "lookup"}]}""";
  private final MapSet maps = TestMaps.of("patient", TestMaps.patient("\"writeBack\": true,"), "identifier",
      TestMaps.IDENTIFIER, "observation", OBSERVATION.formatted(true), "encounter", OBSERVATION.formatted(false)
          .replace("Observation", "Encounter").replace("msemr_observation", "msemr_encounter"));
  private final UUID inserted = UUID.randomUUID();
  private final UUID computed = UUID.randomUUID();

  @BeforeEach
  void aRowTheTargetInsertedWithAChildAndLookups() throws Exception {
    Tables.prepare(database, maps);
    TestTargets.execute(config, "INSERT INTO contact (contactid, lastname) VALUES ('" + inserted + "', 'Inserted')");
    TestTargets.execute(config, "INSERT INTO msemr_medicalidentifier VALUES ('" + UUID.randomUUID() + "', '"
        + inserted + "', 'MRN-1')");
    TestTargets.execute(config, "INSERT INTO msemr_observation (msemr_observationid, msemr_patient) VALUES ('"
        + UUID.randomUUID() + "', '" + inserted + "')");
    TestTargets.execute(config, "INSERT INTO msemr_encounter (msemr_encounterid, msemr_patient) VALUES ('"
        + UUID.randomUUID() + "', '" + inserted + "')");
  }

  @Test
  void theRowItsChildrenAndTheWriteBackLookupsMoveToTheComputedKey() throws Exception {
    move(inserted, computed);

    assertThat(keys("SELECT contactid FROM contact")).containsExactly(computed);
    assertThat(keys("SELECT msemr_patient FROM msemr_medicalidentifier")).containsExactly(computed);
    assertThat(keys("SELECT msemr_patient FROM msemr_observation")).containsExactly(computed);
    assertThat(keys("SELECT msemr_patient FROM msemr_encounter")).as("a map that never writes back")
        .containsExactly(inserted);
  }

  @Test
  void aRowTheFeedWroteFirstAtTheComputedKeyIsKeptAndTheTargetsRowGivesWay() throws Exception {
    TestTargets.execute(config, "INSERT INTO contact (contactid, lastname) VALUES ('" + computed + "', 'From FHIR')");

    move(inserted, computed);

    assertThat(TestTargets.rows(config, "SELECT contactid, lastname FROM contact"))
        .containsExactly(java.util.Map.of("contactid", computed, "lastname", "From FHIR"));
    assertThat(keys("SELECT msemr_patient FROM msemr_medicalidentifier")).containsExactly(computed);
    assertThat(keys("SELECT msemr_patient FROM msemr_observation")).containsExactly(computed);
  }

  @Test
  void aKeyNoRowHoldsMovesNothing() throws Exception {
    move(UUID.randomUUID(), computed);

    assertThat(keys("SELECT contactid FROM contact")).containsExactly(inserted);
    assertThat(keys("SELECT msemr_patient FROM msemr_medicalidentifier")).containsExactly(inserted);
    assertThat(keys("SELECT msemr_patient FROM msemr_observation")).containsExactly(inserted);
  }

  private void move(UUID from, UUID to) throws Exception {
    database.transaction(connection -> {
      RowKeys.move(connection, maps, maps.root("Patient"), from, to);
      return null;
    });
  }

  private List<Object> keys(String sql) {
    return TestTargets.rows(config, sql).stream().map(row -> row.values().iterator().next()).toList();
  }
}
