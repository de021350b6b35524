package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.sync.TargetConfig;
import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Mapper;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write-back trigger and the change table, on a real PostgreSQL, each test in a schema of its own. */
class RowChangesTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String PATIENT = """
      {"resource": "Patient", "table": "contact", "writeBack": %s,
       "attributes": [{"column": "lastname", "path": "name.family.first()", "element": {"s": "$.name[0].family"}}]}""";
  private final Mapper mapper = new Mapper(FHIR);
  private final TargetConfig config = TestTargets.inOtherDatabase();
  private final RelationalTarget target = RelationalTarget.open(config, false, false);
  private final MapSet maps = maps(true);

  @BeforeEach
  void syncTwoPatients() throws Exception {
    target.prepare(maps);
    target.apply(maps, Batch.changes("fhir", List.of(patient("p1", 1, "Chalmers"), patient("p2", 1, "Windsor")),
        null, List.of()));
  }

  @AfterEach
  void close() {
    target.close();
  }

  @Test
  void onlyTheTargetsChangesToRowsWithTheSyncFlagAreRecorded() throws Exception {
    TestTargets.execute(config, "UPDATE contact SET lastname = 'Flagless' WHERE msemr_azurefhirid = 'p2'");
    TestTargets.execute(config, "UPDATE contact SET msemr_azurefhirsyncenabled = true WHERE msemr_azurefhirid = 'p1'");

    target.apply(maps, Batch.changes("fhir", List.of(patient("p1", 2, "ByTheAgent")), null, List.of()));

    assertThat(TestTargets.rows(config, "SELECT op, old_row->>'msemr_azurefhirsyncenabled' AS was, new_row->>"
        + "'lastname' AS lastname FROM sync_row_change")).as("the flag's own change, and not the agent's write")
        .containsExactly(Map.of("op", "UPDATE", "was", "false", "lastname", "Chalmers"));
  }

  @Test
  void aRowsChangesAreTakenTogetherFromTheRowBeforeTheFirstToTheRowAfterTheLast() throws Exception {
    enable("p1");
    TestTargets.execute(config, "UPDATE contact SET lastname = 'One' WHERE msemr_azurefhirid = 'p1'");
    TestTargets.execute(config, "UPDATE contact SET lastname = 'Two' WHERE msemr_azurefhirid = 'p1'");

    List<RowChange> pending = target.rowChanges().pending(100, 5);

    assertThat(pending).singleElement().satisfies(change -> {
      assertThat(change.key()).isEqualTo(Keys.row("Patient", "p1"));
      assertThat(change.before().path("lastname").asText()).isEqualTo("Chalmers");
      assertThat(change.after().path("lastname").asText()).isEqualTo("Two");
      assertThat(change.fhirId()).isEqualTo("p1");
      assertThat(change.baseVersion()).isEqualTo(1);
    });
  }

  @Test
  void aWriteRecordsItsVersionSoTheFeedSkipsItAndLaterChangesStartFromIt() throws Exception {
    enable("p1");
    TestTargets.execute(config, "UPDATE contact SET lastname = 'Written' WHERE msemr_azurefhirid = 'p1'");
    RowChange taken = target.rowChanges().pending(100, 5).get(0);
    TestTargets.execute(config, "UPDATE contact SET lastname = 'Later' WHERE msemr_azurefhirid = 'p1'");

    target.rowChanges().written(maps, taken, patient("p1", 2, "Written"));

    assertThat(TestTargets.rows(config, "SELECT lastname, msemr_azurefhirversion FROM contact WHERE"
        + " msemr_azurefhirid = 'p1'")).as("a later change keeps the row's values; only its version moves")
        .containsExactly(Map.of("lastname", "Later", "msemr_azurefhirversion", 2));
    assertThat(target.rowChanges().pending(100, 5)).singleElement()
        .satisfies(later -> assertThat(later.baseVersion()).isEqualTo(2));
    RelationalTarget.Applied echo = target.apply(maps, Batch.changes("fhir", List.of(patient("p1", 2, "Written")),
        null, List.of()));
    assertThat(echo.skipped()).as("the version written, come back through the feed").isOne();
  }

  @Test
  void aFailureIsCountedAndAtTheLastAttemptTheChangeIsLeftForTheOperator() throws Exception {
    enable("p1");
    TestTargets.execute(config, "UPDATE contact SET lastname = NULL WHERE msemr_azurefhirid = 'p1'");
    RowChange change = target.rowChanges().pending(100, 5).get(0);

    target.rowChanges().failed(change, "contact.lastname is required", 5);

    assertThat(target.rowChanges().pending(100, 5)).isEmpty();
    assertThat(TestTargets.rows(config, "SELECT attempts, error FROM sync_row_change"))
        .containsExactly(Map.of("attempts", 5, "error", "contact.lastname is required"));
  }

  @Test
  void aChangeItsMapRefusesIsLeftForTheOperatorAfterTheOneAttemptMade() throws Exception {
    enable("p1");
    TestTargets.execute(config, "UPDATE contact SET lastname = NULL WHERE msemr_azurefhirid = 'p1'");
    RowChange change = target.rowChanges().pending(100, 5).get(0);

    target.rowChanges().left(change, "contact.lastname is required", 1);

    assertThat(target.rowChanges().pending(100, 5)).isEmpty();
    assertThat(TestTargets.rows(config, "SELECT attempts, refused, error FROM sync_row_change"))
        .containsExactly(Map.of("attempts", 1, "refused", true, "error", "contact.lastname is required"));
  }

  @Test
  void aLookupsKeyIsFoundAsTheReferenceOfItsRow() throws Exception {
    assertThat(target.rowChanges().reference(maps, Keys.row("Patient", "p2"))).isEqualTo("Patient/p2");
    assertThat(target.rowChanges().reference(maps, UUID.randomUUID())).isNull();
  }

  @Test
  void theTriggerGoesWhenNoMapWritesTheTableBack() throws Exception {
    target.prepare(maps(false));
    enable("p1");

    TestTargets.execute(config, "UPDATE contact SET lastname = 'Unheard' WHERE msemr_azurefhirid = 'p1'");

    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_row_change")).isZero();
  }

  /** Turns the sync flag on as the target would, and forgets the change that records. */
  private void enable(String id) throws Exception {
    TestTargets.execute(config, "UPDATE contact SET msemr_azurefhirsyncenabled = true WHERE msemr_azurefhirid = '"
        + id + "'");
    target.database().transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("DELETE FROM sync_row_change")) {
        return statement.executeUpdate();
      }
    });
  }

  private Item patient(String id, int version, String family) {
    ObjectNode json = JSON.createObjectNode().put("resourceType", "Patient").put("id", id);
    json.putObject("meta").put("versionId", Integer.toString(version));
    json.putArray("name").addObject().put("family", family);
    return new Item(0, "Patient", id, version, "Patient/" + id, maps.root("Patient"),
        mapper.rows(maps, maps.root("Patient"), mapper.parse(json)), null);
  }

  private static MapSet maps(boolean writeBack) {
    return TestMaps.of("patient", PATIENT.formatted(writeBack));
  }
}
