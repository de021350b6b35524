package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.MapSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The target's tables made to exist from the maps, on a real PostgreSQL: what is missing is created, what exists is
 * left alone, and a column of another type is refused without changing anything.
 */
class TablesTest extends OnTargetDatabase {
  private final MapSet maps = TestMaps.patients("");

  @Test
  void aMissingTableIsCreatedKeyedByItsKeyWithTheTargetsOwnStateStartingAsSyncOffAndActive() throws Exception {
    Tables.prepare(database, maps);

    TestTargets.execute(config, "INSERT INTO contact (contactid) VALUES ('6f1c2e1a-0000-4000-8000-000000000001')");

    assertThat(TestTargets.rows(config, "SELECT msemr_azurefhirsyncenabled, statecode, lastname FROM contact"))
        .containsExactly(row("msemr_azurefhirsyncenabled", false, "statecode", 0, "lastname", null));
    assertThatThrownBy(() -> TestTargets.execute(config,
        "INSERT INTO contact (contactid) VALUES ('6f1c2e1a-0000-4000-8000-000000000001')"))
        .hasMessageContaining("duplicate key");
    assertThat(columns("msemr_medicalidentifier"))
        .containsExactlyInAnyOrder("msemr_medicalidentifierid", "msemr_patient", "msemr_value");
  }

  @Test
  void aChildTableIsIndexedByItsParentLink() throws Exception {
    Tables.prepare(database, maps);

    assertThat(TestTargets.rows(config, "SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = ?",
        config.schema(), "msemr_medicalidentifier")).extracting(index -> index.get("indexdef").toString())
        .anySatisfy(definition -> assertThat(definition).endsWith("(msemr_patient)"));
  }

  @Test
  void preparingAgainChangesNothing() throws Exception {
    Tables.prepare(database, maps);
    TestTargets.execute(config, "INSERT INTO contact (contactid, lastname)"
        + " VALUES ('6f1c2e1a-0000-4000-8000-000000000001', 'Chalmers')");
    List<Object> before = columns("contact");

    Tables.prepare(database, maps);

    assertThat(columns("contact")).isEqualTo(before);
    assertThat(TestTargets.rows(config, "SELECT lastname FROM contact")).containsExactly(row("lastname", "Chalmers"));
  }

  @Test
  void anExistingTableKeepsItsRowsAndItsOwnColumnsAndGetsTheMissingOnes() throws Exception {
    TestTargets.execute(config, "CREATE TABLE contact (contactid uuid PRIMARY KEY, lastname text, nickname text)");
    TestTargets.execute(config, "INSERT INTO contact VALUES ('6f1c2e1a-0000-4000-8000-000000000001', 'Chalmers',"
        + " 'Tim')");

    Tables.prepare(database, maps);

    assertThat(columns("contact")).contains("nickname", "msemr_azurefhirid", "msemr_azurefhirsyncenabled");
    assertThat(TestTargets.rows(config, "SELECT lastname, nickname, msemr_azurefhirsyncenabled, statecode"
        + " FROM contact")).containsExactly(row("lastname", "Chalmers", "nickname", "Tim",
        "msemr_azurefhirsyncenabled", false, "statecode", 0));
  }

  @Test
  void aColumnOfAnotherTypeIsRefusedAndNothingOfThePreparationIsKept() {
    // statecode comes last of the contact's columns: the columns before it were added when it is refused.
    TestTargets.execute(config, "CREATE TABLE contact (contactid uuid PRIMARY KEY, statecode text)");

    assertThatThrownBy(() -> Tables.prepare(database, maps)).isInstanceOf(IllegalStateException.class)
        .hasMessage("Column contact.statecode is text in the target, but the maps make it integer: change the map's"
            + " type, or the column");

    assertThat(columns("contact")).containsExactlyInAnyOrder("contactid", "statecode");
    assertThat(columns("msemr_medicalidentifier")).isEmpty();
  }

  private List<Object> columns(String table) {
    return TestTargets.rows(config, "SELECT column_name FROM information_schema.columns WHERE table_schema = ?"
        + " AND table_name = ? ORDER BY ordinal_position", config.schema(), table).stream()
        .map(column -> column.get("column_name")).toList();
  }

  /** A row as {@link TestTargets#rows} answers it; unlike {@code Map.of}, it may hold nulls. */
  private static Map<String, Object> row(Object... columnsAndValues) {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return row;
  }
}
