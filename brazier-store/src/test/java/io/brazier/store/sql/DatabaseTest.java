package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import io.brazier.store.search.SearchSql;
import io.brazier.store.search.Sql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The migrated schema: the trigram index of V4 serves string :contains, without the texts of codes since V13; later
 * migrations keep what is stored.
 */
class DatabaseTest {
  private final TestStore store = TestStore.shared();

  @Test
  void containsSearchesUseTheTrigramIndexOnThousandsOfRows() throws SQLException {
    List<String> families = saveFamilies(5_000);
    vacuum();
    String middle = families.get(1234).substring(2, 8);

    String plan = plan(store.parse("Patient", "family:contains=" + middle));

    assertThat(plan).contains("search_string_trigram");
    assertThat(store.ids("Patient", "family:contains=" + middle)).containsExactly("trgm-1234");
  }

  @Test
  void theTextsOfCodesServeTheTextModifierFromOutsideTheTrigramIndex() throws SQLException {
    Observation observation = new Observation();
    observation.getCode().setText("Body Height").addCoding().setSystem("http://loinc.org").setCode("8302-2");
    String id = store.save(observation);

    assertThat(store.ids("Observation", "code:text=body%20hei")).contains(id);
    try (Connection connection = store.database().dataSource().getConnection();
        PreparedStatement rows = connection.prepareStatement("SELECT s.exact FROM search_string s"
            + " JOIN search_param p ON p.id = s.param JOIN resource r ON r.rid = s.rid"
            + " WHERE p.code = 'code:text' AND r.id = ?")) {
      rows.setString(1, id);
      try (ResultSet row = rows.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).as("a code's text has no exact form").isNull();
      }
    }
    assertThat(trigramCondition(store.database().dataSource())).contains("exact IS NOT NULL");
  }

  @Test
  void v13RebuildsTheTrigramIndexWithoutTheTextsOfCodesAsAnImportUnderWayWillToo() throws SQLException {
    String name = "v12_" + UUID.randomUUID().toString().replace("-", "");
    execute(store.database().dataSource(), "CREATE DATABASE " + name);
    String url = urlOf(name);
    Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").target("12").load()
        .migrate();
    String staging = "import_" + UUID.randomUUID().toString().replace("-", "") + "_search_string";
    try (Connection connection = DriverManager.getConnection(url, "postgres", null);
        Statement statement = connection.createStatement()) {
      // An import under way: its staging of strings, and the trigram index it dropped to build again.
      statement.execute("CREATE UNLOGGED TABLE " + staging + " (LIKE search_string)");
      statement.execute("INSERT INTO import_index (name, job, definition) SELECT indexname, gen_random_uuid(),"
          + " indexdef FROM pg_indexes WHERE indexname = 'search_string_trigram'");
    }

    try (Database database = Database.open(new DatabaseConfig(url, "postgres", null, null, 4,
        Duration.ofSeconds(30)))) {

      assertThat(trigramCondition(database.dataSource())).contains("exact IS NOT NULL");
      assertThat(single(database, "SELECT definition LIKE '%exact IS NOT NULL%' FROM import_index")).isTrue();
      assertThat(single(database, "SELECT NOT attnotnull FROM pg_attribute WHERE attname = 'exact'"
          + " AND attrelid = '" + staging + "'::regclass")).isTrue();
    }
  }

  @Test
  void aRoleThatMayNotCreateTheExtensionStillMigratesWithoutTheTrigramIndex() throws SQLException {
    String name = "plain_" + UUID.randomUUID().toString().replace("-", "");
    execute(store.database().dataSource(), "CREATE ROLE " + name + " LOGIN PASSWORD 'secret'",
        "CREATE DATABASE " + name);
    String url = urlOf(name);
    try (Connection superuser = DriverManager.getConnection(url, "postgres", null);
        Statement statement = superuser.createStatement()) {
      // Tables may be made in the schema, but extensions need CREATE on the database, which the role lacks.
      statement.execute("DROP SCHEMA public CASCADE");
      statement.execute("CREATE SCHEMA public AUTHORIZATION " + name);
    }

    try (Database database = Database.open(new DatabaseConfig(url, name, "secret", null, 4,
        Duration.ofSeconds(30)))) {

      assertThat(single(database, "SELECT to_regclass('search_string_trigram') IS NULL")).isTrue();
      assertThat(single(database, "SELECT bool_and(success) FROM flyway_schema_history")).isTrue();
      assertThat(Flyway.configure().dataSource(url, name, "secret").locations("classpath:db/migration").load()
          .info().pending()).as("migrations left").isEmpty();
    }
  }

  @Test
  void aTrigramIndexThatAnImportDroppedToBuildAgainIsNoReasonToWarnThatItIsMissing() throws SQLException {
    String name = "importing_" + UUID.randomUUID().toString().replace("-", "");
    execute(store.database().dataSource(), "CREATE DATABASE " + name);
    String url = urlOf(name);
    Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").load().migrate();
    try (Connection connection = DriverManager.getConnection(url, "postgres", null);
        Statement statement = connection.createStatement()) {
      // An import under way into an empty store (its node died, say): the index dropped, to be built again.
      statement.execute("INSERT INTO import_index (name, job, definition) SELECT indexname, gen_random_uuid(),"
          + " indexdef FROM pg_indexes WHERE indexname = 'search_string_trigram'");
      statement.execute("DROP INDEX search_string_trigram");
    }
    Logger logger = (Logger) LoggerFactory.getLogger(Database.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);

    try (Database database = Database.open(new DatabaseConfig(url, "postgres", null, null, 4,
        Duration.ofSeconds(30)))) {
      assertThat(single(database, "SELECT to_regclass('search_string_trigram') IS NULL")).isTrue();
    } finally {
      logger.detachAppender(events);
    }

    assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(message -> message.startsWith("No trigram index"));
  }

  @Test
  void v11MovesTheSubmitterThatAJobsRequestRecordedToItsOwnColumn() throws SQLException {
    String name = "v10_" + UUID.randomUUID().toString().replace("-", "");
    execute(store.database().dataSource(), "CREATE DATABASE " + name);
    String url = urlOf(name);
    Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").target("10").load()
        .migrate();
    try (Connection connection = DriverManager.getConnection(url, "postgres", null);
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO job (id, kind, request, status) VALUES (gen_random_uuid(), 'import',"
          + " '{\"mode\": \"INITIAL_LOAD\", \"submitter\": \"https://issuer alice app\"}', 'queued'),"
          + " (gen_random_uuid(), 'reindex', '{\"types\": []}', 'queued')");
    }

    try (Database database = Database.open(new DatabaseConfig(url, "postgres", null, null, 4,
        Duration.ofSeconds(30)))) {

      assertThat(single(database, "SELECT submitter = 'https://issuer alice app'"
          + " AND request = '{\"mode\": \"INITIAL_LOAD\"}' FROM job WHERE kind = 'import'")).isTrue();
      assertThat(single(database, "SELECT submitter IS NULL AND request = '{\"types\": []}'"
          + " FROM job WHERE kind = 'reindex'")).isTrue();
    }
  }

  @Test
  void v16GivesTheCreationsInTheFeedWhatTheirResourceSaysOfPut() throws SQLException {
    String name = "v14_" + UUID.randomUUID().toString().replace("-", "");
    execute(store.database().dataSource(), "CREATE DATABASE " + name);
    String url = urlOf(name);
    Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").target("14").load()
        .migrate();
    try (Connection connection = DriverManager.getConnection(url, "postgres", null);
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO resource_type (id, name) VALUES (1, 'Patient')");
      statement.execute("INSERT INTO resource (type, id, version, last_updated, body, created_by_put)"
          + " VALUES (1, 'put', 2, now(), '{}', true), (1, 'posted', 1, now(), '{}', false)");
      statement.execute("INSERT INTO change (seq, type, res_id, version, action, at) VALUES"
          + " (1, 1, 'put', 1, 'C', now()), (2, 1, 'posted', 1, 'C', now()), (3, 1, 'put', 2, 'U', now())");
    }

    try (Database database = Database.open(new DatabaseConfig(url, "postgres", null, null, 4,
        Duration.ofSeconds(30)))) {

      assertThat(single(database, "SELECT array_agg(created_by_put ORDER BY seq) = '{t,f,f}' FROM change")).isTrue();
    }
  }

  @Test
  void v19MarksTheChangesInTheFeedThatAreNotTheNextVersionOfTheirResource() throws SQLException {
    String name = "v18_" + UUID.randomUUID().toString().replace("-", "");
    execute(store.database().dataSource(), "CREATE DATABASE " + name);
    String url = urlOf(name);
    Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").target("18").load()
        .migrate();
    try (Connection connection = DriverManager.getConnection(url, "postgres", null);
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO resource_type (id, name) VALUES (1, 'Patient')");
      // in-line: 1, 2, 3; gapped: 1, then 3 over a gap, then 2 below it; pruned: its first kept change is version 4.
      statement.execute("INSERT INTO change (seq, type, res_id, version, action, at) VALUES"
          + " (1, 1, 'in-line', 1, 'C', now()), (2, 1, 'gapped', 1, 'C', now()), (3, 1, 'in-line', 2, 'U', now()),"
          + " (4, 1, 'gapped', 3, 'U', now()), (5, 1, 'gapped', 2, 'U', now()), (6, 1, 'pruned', 4, 'U', now()),"
          + " (7, 1, 'in-line', 3, 'D', now()), (8, 1, 'pruned', 5, 'U', now())");
    }

    try (Database database = Database.open(new DatabaseConfig(url, "postgres", null, null, 4,
        Duration.ofSeconds(30)))) {

      assertThat(single(database, "SELECT array_agg(out_of_order ORDER BY seq) = '{f,f,f,t,t,t,f,f}' FROM change"))
          .isTrue();
    }
  }

  /** The JDBC URL of another database of the test's PostgreSQL. */
  private String urlOf(String database) {
    return store.database().pool().getJdbcUrl().replaceFirst("/postgres(\\?.*)?$", "/" + database);
  }

  private static void execute(DataSource dataSource, String... statements) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** The condition of the trigram index, which leaves out the rows it does not hold. */
  private static String trigramCondition(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_get_expr(indpred, indrelid) FROM pg_index"
            + " WHERE indexrelid = 'search_string_trigram'::regclass")) {
      row.next();
      return row.getString(1);
    }
  }

  private static boolean single(Database database, String query) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
      row.next();
      return row.getBoolean(1);
    }
  }

  /** What autovacuum soon does: statistics, and the new GIN entries moved from the pending list into the tree. */
  private void vacuum() throws SQLException {
    try (Connection connection = store.database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM ANALYZE search_string");
    }
  }

  /** {@code count} patients in one commit, with family names of ten random letters, as varied as real ones. */
  private List<String> saveFamilies(int count) {
    Random random = new Random(42);
    List<String> families = new ArrayList<>();
    List<Write> writes = new ArrayList<>();
    Instant now = Instant.now();
    for (int n = 0; n < count; n++) {
      StringBuilder family = new StringBuilder();
      random.ints(10, 'a', 'z' + 1).forEach(c -> family.append((char) c));
      families.add(family.toString());
      Patient patient = new Patient();
      patient.setId("trgm-" + n);
      patient.getMeta().setVersionId("1");
      patient.addName().setFamily(family.toString());
      byte[] json = store.fhir().encode(Format.JSON, patient, false);
      writes.add(new Write("Patient", patient.getIdPart(), 1, now, json,
          store.search().extractor().extract(patient, json)));
    }
    store.store().commit(writes);
    return families;
  }

  /** The plan PostgreSQL chooses for counting the matches of {@code query}, as the store counts them. */
  private String plan(SearchQuery query) throws SQLException {
    var dataSource = store.database().dataSource();
    TypeKeys types = new TypeKeys(dataSource, List.of());
    Sql sql = new SearchSql(SearchReader.keys(types, new ParamKeys(dataSource, types).lookup())).count(query);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql.text())) {
      int i = 1;
      for (Object arg : sql.args()) {
        if (arg instanceof Sql.Array array) {
          explain.setArray(i++, connection.createArrayOf(array.elementType(), array.values()));
        } else {
          explain.setObject(i++, arg);
        }
      }
      StringBuilder plan = new StringBuilder();
      try (ResultSet rows = explain.executeQuery()) {
        while (rows.next()) {
          plan.append(rows.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }
}
