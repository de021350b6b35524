package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relational target's rows on a real PostgreSQL: a batch's writes and deletions in the bookkeeping's transaction
 * (all or nothing), what write-back made of the target's own rows put on them, and a lookup's key told as the
 * reference of its row's resource, patients and practitioners sharing one table.
 */
class RelationalRowsTest extends OnTargetDatabase {
  private static final String PRACTITIONER = """
      {"resource": "Practitioner", "table": "contact",
       "discriminator": {"column": "msemr_contacttype", "value": "Practitioner"}, "attributes": [
        {"column": "lastname", "path": "name.family.first()"}]}""";
  private final MapSet maps = TestMaps.of("patient", TestMaps.patient("""
      "writeBack": true, "discriminator": {"column": "msemr_contacttype", "value": "Patient"},"""),
      "identifier", TestMaps.IDENTIFIER, "practitioner", PRACTITIONER);
  private final RelationalRows rows = new RelationalRows(database);

  @BeforeEach
  void prepare() {
    rows.prepare(maps);
  }

  @Test
  void aBatchsWritesAndDeletionsAreMadeInTheTransactionAndNoneWhenItRollsBack() throws Exception {
    write(List.of(Items.patient(maps, "gone", 1, "Gone", "MRN-0")), List.of());

    write(List.of(Items.patient(maps, "p1", 1, "Chalmers", "MRN-1", "SSN-1"), practitioner("d1", "House")),
        List.of(Items.deleted(maps, "Patient", "gone", 2)));
    assertThatThrownBy(() -> database.transaction(connection -> {
      rows.write(connection, maps, List.of(Items.patient(maps, "p2", 1, "Lost", "MRN-2")),
          List.of(Items.deleted(maps, "Patient", "p1", 2)));
      throw new IllegalStateException("the checkpoint failed");
    })).hasMessage("the checkpoint failed");

    assertThat(TestTargets.rows(config, "SELECT msemr_azurefhirid, lastname, msemr_contacttype FROM contact"
        + " ORDER BY msemr_azurefhirid")).containsExactly(
        Map.of("msemr_azurefhirid", "d1", "lastname", "House", "msemr_contacttype", "Practitioner"),
        Map.of("msemr_azurefhirid", "p1", "lastname", "Chalmers", "msemr_contacttype", "Patient"));
    assertThat(TestTargets.rows(config, "SELECT msemr_value FROM msemr_medicalidentifier ORDER BY msemr_value"))
        .containsExactly(Map.of("msemr_value", "MRN-1"), Map.of("msemr_value", "SSN-1"));
  }

  @Test
  void aRowTheTargetInsertedMovesToItsResourcesKeyAndTakesTheResourcesRows() throws Exception {
    UUID inserted = insertedByTheTarget("Typed", "MRN-typed");

    UUID key = writtenBack(change(inserted, null), Items.patient(maps, "p3", 1, "Typed", "MRN-3"), true, true);

    assertThat(key).isEqualTo(Keys.row("Patient", "p3"));
    assertThat(TestTargets.rows(config, "SELECT contactid, msemr_azurefhirid, msemr_azurefhirversion, lastname FROM"
        + " contact")).containsExactly(Map.of("contactid", key, "msemr_azurefhirid", "p3", "msemr_azurefhirversion", 1,
        "lastname", "Typed"));
    assertThat(TestTargets.rows(config, "SELECT msemr_patient, msemr_value FROM msemr_medicalidentifier"))
        .as("the resource's identifiers, in place of the target's").containsExactly(Map.of("msemr_patient", key,
            "msemr_value", "MRN-3"));
  }

  @Test
  void aVersionWrittenByTheFeedAlreadyOnlyMovesTheRow() throws Exception {
    UUID inserted = insertedByTheTarget("Typed", "MRN-typed");

    UUID key = writtenBack(change(inserted, null), Items.patient(maps, "p4", 1, "Typed", "MRN-4"), true, false);

    assertThat(TestTargets.rows(config, "SELECT contactid, lastname FROM contact"))
        .containsExactly(Map.of("contactid", key, "lastname", "Typed"));
    assertThat(TestTargets.rows(config, "SELECT msemr_value FROM msemr_medicalidentifier"))
        .containsExactly(Map.of("msemr_value", "MRN-typed"));
  }

  @Test
  void aRowTheTargetChangedAgainSinceKeepsItsValuesAndTakesOnlyTheResourcesVersion() throws Exception {
    write(List.of(Items.patient(maps, "p5", 1, "Synced", "MRN-5")), List.of());
    UUID key = Keys.row("Patient", "p5");
    RowChange change = change(key, "p5");
    TestTargets.execute(config, "INSERT INTO sync_row_change (tbl, row_key, op) VALUES ('contact', '" + key
        + "', 'UPDATE')");
    TestTargets.execute(config, "UPDATE contact SET lastname = 'Typed again'");

    writtenBack(change, Items.patient(maps, "p5", 2, "Written", "MRN-5", "MRN-new"), false, true);

    assertThat(TestTargets.rows(config, "SELECT lastname, msemr_azurefhirversion FROM contact"))
        .containsExactly(Map.of("lastname", "Typed again", "msemr_azurefhirversion", 2));
    assertThat(TestTargets.number(config, "SELECT count(*) FROM msemr_medicalidentifier")).isOne();
  }

  @Test
  void aDeletionWrittenBackDeletesTheRowAndItsChildren() throws Exception {
    write(List.of(Items.patient(maps, "p6", 1, "Deleted", "MRN-6")), List.of());
    UUID key = Keys.row("Patient", "p6");

    writtenBack(change(key, "p6"), Items.deleted(maps, "Patient", "p6", 2), false, true);

    assertThat(TestTargets.number(config, "SELECT count(*) FROM contact")).isZero();
    assertThat(TestTargets.number(config, "SELECT count(*) FROM msemr_medicalidentifier")).isZero();
  }

  @Test
  void aKeyIsTheReferenceOfTheResourceWhoseTypeItsRowHasAndOnlyOfARootRowFromFhir() throws Exception {
    write(List.of(Items.patient(maps, "p7", 1, "Chalmers", "MRN-7"), practitioner("d7", "House")), List.of());
    UUID inserted = insertedByTheTarget("Typed", "MRN-typed");
    UUID identifier = (UUID) TestTargets.rows(config, "SELECT msemr_medicalidentifierid FROM msemr_medicalidentifier"
        + " WHERE msemr_value = 'MRN-7'").get(0).get("msemr_medicalidentifierid");

    assertThat(rows.reference(maps, Keys.row("Patient", "p7"))).isEqualTo("Patient/p7");
    assertThat(rows.reference(maps, Keys.row("Practitioner", "d7"))).isEqualTo("Practitioner/d7");
    assertThat(rows.reference(maps, inserted)).as("a row no resource was synced to").isNull();
    assertThat(rows.reference(maps, identifier)).as("a child row").isNull();
    assertThat(rows.reference(maps, UUID.randomUUID())).isNull();
  }

  private void write(List<Item> written, List<Item> deleted) throws Exception {
    database.transaction(connection -> {
      rows.write(connection, maps, written, deleted);
      return null;
    });
  }

  private UUID writtenBack(RowChange change, Item item, boolean created, boolean claimed) throws Exception {
    return database.transaction(connection -> rows.writtenBack(connection, maps, change, item, created, claimed));
  }

  /** A contact the target inserted itself (no FHIR id), with an identifier; its key. */
  private UUID insertedByTheTarget(String lastname, String identifier) {
    UUID key = UUID.randomUUID();
    TestTargets.execute(config, "INSERT INTO contact (contactid, lastname, msemr_contacttype) VALUES ('" + key
        + "', '" + lastname + "', 'Patient')");
    TestTargets.execute(config, "INSERT INTO msemr_medicalidentifier (msemr_medicalidentifierid, msemr_patient,"
        + " msemr_value) VALUES ('" + UUID.randomUUID() + "', '" + key + "', '" + identifier + "')");
    return key;
  }

  /** The target's change of a contact row, taken as the last one recorded so far. */
  private RowChange change(UUID key, String fhirId) {
    ObjectNode after = JsonNodeFactory.instance.objectNode().put("contactid", key.toString());
    if (fhirId != null) {
      after.put("msemr_azurefhirid", fhirId).put("msemr_azurefhirversion", 1);
    }
    long last = TestTargets.number(config, "SELECT coalesce(max(id), 0) FROM sync_row_change");
    return new RowChange("contact", key, last, fhirId == null ? null : after, after, Instant.now(), 0);
  }

  private Item practitioner(String id, String family) {
    return Items.written(maps, """
        {"resourceType": "Practitioner", "id": "%s", "meta": {"versionId": "1"}, "name": [{"family": "%s"}]}"""
        .formatted(id, family));
  }
}
