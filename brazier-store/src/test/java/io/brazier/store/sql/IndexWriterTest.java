package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.fhir.search.SearchIndex.TokenEntry;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * A version's index rows replace those of the version before, a deletion leaves none, and a reindex touches only
 * resources whose current version is the one it was given.
 */
class IndexWriterTest {
  private final TestStore test = TestStore.shared();
  private final PostgresStore store = test.store();
  private final TestStore.Tagged tagged = test.tagged();

  @Test
  void anUpdateReplacesTheIndexRowsOfTheVersionBefore() {
    String id = tagged.save(patient("Oldname"));

    tagged.save(patient("Newname").setId(id));

    assertThat(tagged.find("Patient", "family=oldname")).isEmpty();
    assertThat(tagged.find("Patient", "family=newname")).containsExactly(id);
  }

  @Test
  void aDeletionLeavesNoIndexRows() throws SQLException {
    String id = tagged.save(patient("Deleted"));
    long rows = indexRows(id);

    store.commit(List.of(Write.delete("Patient", id, 2, Instant.now())));

    assertThat(rows).as("rows before the deletion").isPositive();
    assertThat(indexRows(id)).isZero();
  }

  @Test
  void aReindexReplacesTheRowsOfCurrentVersionsOnlyAndCountsThem() {
    String current = tagged.save(patient("Stored"));
    String moved = tagged.save(patient("Stored"));
    tagged.save(patient("Stored").setId(moved));
    String deleted = tagged.save(patient("Stored"));
    store.commit(List.of(Write.delete("Patient", deleted, 2, Instant.now())));

    int reindexed = store.reindex(List.of(relabel(current, 1), relabel(moved, 1), relabel(deleted, 1),
        relabel("never-" + UUID.randomUUID(), 1)));

    assertThat(reindexed).isEqualTo(1);
    assertThat(find("reindexed")).containsExactly(current);
    assertThat(tagged.find("Patient", "family=stored")).as("their other rows are gone, or untouched")
        .containsExactly(moved);
    assertThat(store.current("Patient", current).orElseThrow().json()).asString()
        .as("the stored body is kept").contains("Stored");
  }

  @Test
  void aWriteWithAParameterNoResourceHadBeforeGetsItsKeyAndItsRows() {
    String code = "new-param-" + UUID.randomUUID();
    String id = "new-param-" + UUID.randomUUID();
    SearchIndex index = new SearchIndex.Builder().add(new TokenEntry(code, "urn:s", "c", null)).build();

    store.commit(List.of(new Write("Patient", id, 1, Instant.now(),
        ("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8), index)));

    assertThat(tokenRows(code)).isEqualTo(1);
  }

  @Test
  void anEmptyReindexTouchesNothing() {
    assertThat(store.reindex(List.of())).isZero();
  }

  /** Version {@code version} of a resource with the index of a patient named "Reindexed", under this test's tag. */
  private Write relabel(String id, int version) {
    Patient patient = patient("Reindexed");
    patient.getMeta().addTag("http://brazier.test/tag", scopeTag(), null);
    return test.write(patient.setId(id), version);
  }

  private List<String> find(String family) {
    return tagged.find("Patient", "family=" + family);
  }

  private String scopeTag() {
    return tagged.scope().substring(tagged.scope().indexOf('|') + 1);
  }

  private long indexRows(String id) throws SQLException {
    return count("SELECT count(*) FROM search_string s JOIN resource r ON r.rid = s.rid WHERE r.id = ?", id);
  }

  private long tokenRows(String code) {
    try {
      return count("SELECT count(*) FROM search_token s JOIN search_param p ON p.id = s.param WHERE p.code = ?", code);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long count(String sql, String arg) throws SQLException {
    try (Connection connection = test.database().dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, arg);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }
}
