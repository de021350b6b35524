package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.testkit.Parallel;
import io.brazier.store.TestStore;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A batch of versions in the caller's transaction: new resources, replaced ones (the old version moved to history) and
 * deletions, each with its change row; a write whose expected version is not the stored one fails the batch.
 */
class WriterTest {
  private final TestStore test = TestStore.shared();
  private final PostgresStore store = test.store();
  private final DataSource dataSource = test.database().dataSource();
  private final TypeKeys types = new TypeKeys(dataSource, test.fhir().resourceTypes());
  private final Writer writer = new Writer(types, new IndexWriter(types, new ParamKeys(dataSource, types)));
  private final String prefix = "writer-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

  @Test
  void oneBatchCreatesReplacesAndDeletesAndAppendsAChangeForEachWrite() throws SQLException {
    store.commit(List.of(write("updated", 1, now, null), write("deleted", 1, now, null)));

    inTransaction(connection -> writer.write(connection, List.of(write("created", 1, now.plusSeconds(1), "a"),
        write("updated", 2, now.plusSeconds(2), "b"), Write.delete("Patient", prefix + "deleted", 2,
            now.plusSeconds(3), "c"))));

    assertThat(store.current("Patient", prefix + "created").orElseThrow().version()).isEqualTo(1);
    assertThat(store.current("Patient", prefix + "updated").orElseThrow().version()).isEqualTo(2);
    assertThat(store.current("Patient", prefix + "deleted").orElseThrow().deleted()).isTrue();
    assertThat(changes("created")).containsExactly("1 C a");
    assertThat(changes("updated")).containsExactly("1 C null", "2 U b");
    assertThat(changes("deleted")).containsExactly("1 C null", "2 D c");
    assertThat(replacedAt("updated", 1)).as("version 1 stopped being current as version 2 began")
        .isEqualTo(now.plusSeconds(2));
  }

  @Test
  void nothingStaysWrittenWhenTheCallersTransactionRollsBack() throws SQLException {
    store.commit(List.of(write("kept", 1, now, null)));

    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      writer.write(connection, List.of(write("dropped", 1, now, null), write("kept", 2, now, null)));
      connection.rollback();
    }

    assertThat(store.current("Patient", prefix + "dropped")).isEmpty();
    assertThat(store.current("Patient", prefix + "kept").orElseThrow().version()).isEqualTo(1);
    assertThat(changes("dropped")).isEmpty();
  }

  @Test
  void aWriteThatSkipsAVersionOrUpdatesWhatDoesNotExistIsAConflictNamingIt() throws SQLException {
    store.commit(List.of(write("at-one", 1, now, null)));

    assertThatThrownBy(() -> inTransaction(connection -> writer.write(connection,
        List.of(write("at-one", 3, now, null))))).isInstanceOfSatisfying(VersionConflictException.class,
            conflict -> assertThat(conflict.id()).isEqualTo(prefix + "at-one"));
    assertThatThrownBy(() -> inTransaction(connection -> writer.write(connection,
        List.of(write("missing", 2, now, null))))).isInstanceOfSatisfying(VersionConflictException.class,
            conflict -> assertThat(conflict.type()).isEqualTo("Patient"));
  }

  @Test
  void concurrentWritersOfTheSameResourceNeverBothWinAndNeverLoseAnUpdate() throws Exception {
    store.commit(List.of(write("contended", 1, now, null)));

    // Each thread writes version 2; each that loses reads the new current version and writes the next, until it wins.
    Parallel.Run<Integer> run = Parallel.run(8, 1, (thread, step) -> {
      int conflicts = 0;
      while (true) {
        int next = store.current("Patient", prefix + "contended").orElseThrow().version() + 1;
        try {
          inTransaction(connection -> writer.write(connection, List.of(write("contended", next, now, "" + thread))));
          return conflicts;
        } catch (VersionConflictException e) {
          conflicts++;
        }
      }
    });

    assertThat(run.mostAtOnce()).as("writers at once").isGreaterThan(1);
    assertThat(run.results().stream().mapToInt(Integer::intValue).sum()).as("conflicts").isPositive();
    assertThat(store.current("Patient", prefix + "contended").orElseThrow().version()).isEqualTo(9);
    assertThat(changes("contended")).hasSize(9);
  }

  @Test
  void batchesThatReplaceTheSameResourcesInOtherOrdersDoNotDeadlock() throws Exception {
    List<String> shared = List.of("s0", "s1", "s2", "s3", "s4", "s5");
    List<Write> created = new ArrayList<>();
    shared.forEach(id -> created.add(write(id, 1, now, null)));
    store.commit(created);

    // Each batch lists the resources in an order of its own; a deadlock would fail the step with an SQLException.
    Parallel.Run<Integer> run = Parallel.run(6, 10, (thread, step) -> {
      List<String> order = new ArrayList<>(shared);
      Collections.shuffle(order, new Random(thread * 100L + step));
      while (true) {
        List<Write> batch = new ArrayList<>();
        for (String id : order) {
          batch.add(write(id, store.current("Patient", prefix + id).orElseThrow().version() + 1, now, null));
        }
        try {
          inTransaction(connection -> writer.write(connection, batch));
          return 1;
        } catch (VersionConflictException e) {
          // another batch won: read the versions again
        }
      }
    });

    assertThat(run.mostAtOnce()).as("batches at once").isGreaterThan(1);
    for (String id : shared) {
      assertThat(store.current("Patient", prefix + id).orElseThrow().version()).isEqualTo(1 + 6 * 10);
    }
  }

  private interface Work {
    void run(Connection connection) throws SQLException;
  }

  private void inTransaction(Work work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /** The change rows of a resource, oldest first, as "version action source". */
  private List<String> changes(String id) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "SELECT version, action, source FROM change WHERE res_id = ? ORDER BY id")) {
      statement.setString(1, prefix + id);
      List<String> changes = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          changes.add(rows.getInt(1) + " " + rows.getString(2) + " " + rows.getString(3));
        }
      }
      return changes;
    }
  }

  private Instant replacedAt(String id, int version) throws SQLException {
    String sql = "SELECT h.replaced_at FROM resource_history h JOIN resource r ON r.rid = h.rid"
        + " WHERE r.id = ? AND h.version = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, prefix + id);
      statement.setInt(2, version);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? row.getTimestamp(1).toInstant() : null;
      }
    }
  }

  private Write write(String id, int version, Instant at, String source) {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"" + prefix + id + "\"}";
    return new Write("Patient", prefix + id, version, at, json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY,
        source);
  }
}
