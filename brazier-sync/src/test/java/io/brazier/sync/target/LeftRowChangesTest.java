package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.TargetConfig;
import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The changes write-back left for the operator, on a real PostgreSQL, each test in a schema of its own. */
class LeftRowChangesTest {
  private static final String PATIENT = """
      {"resource": "Patient", "table": "contact", "writeBack": true,
       "attributes": [{"column": "lastname", "path": "name.family.first()", "element": {"s": "$.name[0].family"}}]}""";
  private final TargetConfig config = TestTargets.inOtherDatabase();
  private final RelationalTarget target = RelationalTarget.open(config, false, false);
  private final UUID first = UUID.randomUUID();
  private final UUID second = UUID.randomUUID();
  private final UUID pending = UUID.randomUUID();

  @BeforeEach
  void recordChanges() throws Exception {
    target.prepare(TestMaps.of("patient", PATIENT));
    record(first, "p1", true);
    record(first, "p1", true);
    record(pending, "p3", false);
    record(second, null, true);
  }

  @AfterEach
  void close() {
    target.close();
  }

  @Test
  void theRowsWhoseChangesAreLeftAreListedOldestFirstWithWhyAndOneByTheIdOfAnyOfItsChanges() throws Exception {
    List<LeftRowChanges.Left> left = target.leftRowChanges().list(null, 100);
    List<LeftRowChanges.Left> one = target.leftRowChanges().list(left.get(1).id(), 100);
    List<LeftRowChanges.Left> byEarlierChange = target.leftRowChanges().list(left.get(0).id() - 1, 100);
    List<LeftRowChanges.Left> limited = target.leftRowChanges().list(null, 1);

    assertThat(left).extracting(LeftRowChanges.Left::key).containsExactly(first, second);
    assertThat(left.get(0)).satisfies(change -> {
      assertThat(change.table()).isEqualTo("contact");
      assertThat(change.operation()).isEqualTo("UPDATE");
      assertThat(change.fhirId()).isEqualTo("p1");
      assertThat(change.changes()).isEqualTo(2);
      assertThat(change.attempts()).isOne();
      assertThat(change.error()).isEqualTo("contact.lastname is required");
    });
    assertThat(left.get(1).fhirId()).as("a row the target inserted").isNull();
    assertThat(one).extracting(LeftRowChanges.Left::key).containsExactly(second);
    assertThat(byEarlierChange).extracting(LeftRowChanges.Left::key).containsExactly(first);
    assertThat(limited).extracting(LeftRowChanges.Left::key).containsExactly(first);
  }

  @Test
  void aRetriedRowsChangesArePendingAgainTogetherWithTheirAttemptsCountedAfresh() throws Exception {
    long id = target.leftRowChanges().list(null, 100).get(0).id();

    int retried = target.leftRowChanges().retry(id);
    int unknown = target.leftRowChanges().retry(id + 1000);

    assertThat(retried).isEqualTo(2);
    assertThat(unknown).isZero();
    assertThat(target.rowChanges().pending(100, 5)).extracting(change -> change.key() + " " + change.attempts())
        .containsExactly(first + " 0", pending + " 0");
    assertThat(target.leftRowChanges().list(null, 100)).extracting(LeftRowChanges.Left::key).containsExactly(second);
  }

  @Test
  void discardingAllDeletesTheChangesLeftAndNoPendingOne() throws Exception {
    int discarded = target.leftRowChanges().discard(null);

    assertThat(discarded).isEqualTo(3);
    assertThat(target.leftRowChanges().list(null, 100)).isEmpty();
    assertThat(target.rowChanges().pending(100, 5)).extracting(RowChange::key).containsExactly(pending);
  }

  /** A change of the row {@code key} (of the resource {@code fhirId}, null for a row the target inserted). */
  private void record(UUID key, String fhirId, boolean refused) throws Exception {
    String row = fhirId == null ? "{}" : "{\"msemr_azurefhirid\": \"" + fhirId + "\"}";
    TestTargets.execute(config, "INSERT INTO sync_row_change (tbl, row_key, op, old_row, new_row, attempts, error,"
        + " refused) VALUES ('contact', '" + key + "', 'UPDATE', '" + row + "', '" + row + "', " + (refused ? 1 : 0)
        + ", " + (refused ? "'contact.lastname is required'" : "NULL") + ", " + refused + ")");
  }
}
