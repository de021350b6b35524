package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.Imports;
import io.brazier.store.TestStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search indexes dropped for an import into an empty store, and built again whatever becomes of the import. */
class BulkIndexesTest {

  @Test
  void indexesDroppedOnAnEmptyStoreAreBuiltAgainAsTheyWere(@TempDir Path dir) throws SQLException {
    Database database = Database.open(DatabaseConfig.embedded(dir));
    try (PostgresStore store = new PostgresStore(database, new Fhir(false).resourceTypes())) {
      List<String> before = indexes(database);
      String job = store.jobs().submit("import", "{}", null);

      boolean dropped = store.imports().dropIndexes(job);
      List<String> meanwhile = indexes(database);
      store.imports().restoreIndexes(job, 2);

      assertThat(dropped).isTrue();
      assertThat(meanwhile).contains("search_token_rid").doesNotContain("search_token_code", "search_string_trigram");
      assertThat(indexes(database)).isEqualTo(before);
      assertThat(recorded(database)).isZero();
    }
  }

  @Test
  void theIndexesOfAnImportThatNoLongerRunsAreBuiltByTheNextRepair(@TempDir Path dir) throws SQLException {
    Database database = Database.open(DatabaseConfig.embedded(dir));
    try (PostgresStore store = new PostgresStore(database, new Fhir(false).resourceTypes())) {
      List<String> before = indexes(database);
      String job = store.jobs().submit("import", "{}", null);
      store.jobs().claim("node", Set.of("import"), Duration.ofMinutes(5));
      store.imports().dropIndexes(job);

      store.imports().repair(2, Duration.ZERO);
      List<String> whileRunning = indexes(database);
      store.jobs().cancel(job); // its node is gone: nobody builds them but a repair
      store.imports().repair(2, Duration.ZERO);

      assertThat(whileRunning).hasSizeLessThan(before.size());
      assertThat(indexes(database)).isEqualTo(before);
    }
  }

  @Test
  void theLongestBuildsComeFirstGinThenTheLargestTables(@TempDir Path dir) throws SQLException {
    Database database = Database.open(DatabaseConfig.embedded(dir));
    try (PostgresStore store = new PostgresStore(database, new Fhir(false).resourceTypes())) {
      String job = store.jobs().submit("import", "{}", null);
      store.imports().dropIndexes(job);
      // Rows an import would have written: the uri table becomes the largest, the token table the next.
      strings(database, "INSERT INTO search_uri (param, rid, value) SELECT 1, g, 'http://example.org/' || g"
          + " FROM generate_series(1, 20000) g RETURNING 1");
      strings(database, "INSERT INTO search_token (param, rid, code) SELECT 1, g, 'c' FROM generate_series(1, 2000) g"
          + " RETURNING 1");

      List<String> order = new BulkIndexes(database.dataSource()).recorded("job = ?", UUID.fromString(job));

      assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("search_string_trigram", "search_text_words");
      assertThat(order.get(2)).isEqualTo("search_uri_value");
      assertThat(order.subList(3, 5)).containsExactlyInAnyOrder("search_token_code", "search_token_composite");
      assertThat(order).hasSize((int) recorded(database));
      store.imports().restoreIndexes(job, 2);
    }
  }

  @Test
  void aStoreThatHoldsResourcesKeepsItsIndexes() {
    TestStore test = TestStore.shared();
    test.save(new Patient().setActive(true));
    Imports imports = test.store().imports();

    boolean dropped = imports.dropIndexes(test.store().jobs().submit("import", "{}", null));

    assertThat(dropped).isFalse();
  }

  private static List<String> indexes(Database database) throws SQLException {
    return strings(database, "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'search\\_%' ORDER BY 1");
  }

  private static long recorded(Database database) throws SQLException {
    return Long.parseLong(strings(database, "SELECT count(*) FROM import_index").get(0));
  }

  private static List<String> strings(Database database, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
