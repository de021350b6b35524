package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.TestServer;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.TargetConfig;
import io.brazier.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brazier sync write-back}: a row change whose value its map does not know is refused by write-back and left
 * for the operator; it is listed, written to FHIR by a retry once the map knows the value, or discarded.
 */
class SyncWriteBackTest {
  private static final TestServer server = TestServer.shared();
  /** A map that writes the gender back, knowing {@code male} and {@code female}, and {@code extra} when given. */
  private static final String MAP = """
      {"resource": "Patient", "table": "gender_codes", "writeBack": true, "messages": ["Update"],
       "attributes": [{"column": "gendercode", "path": "gender", "type": "integer", "action": "value",
         "values": {"male": 1, "female": 2%s}, "element": {"s": "$.gender"}}]}""";

  @TempDir
  static Path maps;
  private static TargetConfig target;
  private static SyncRunner runner;
  private static String agent;
  private static String retried;
  private static String discarded;

  @BeforeAll
  static void startAgent() throws Exception {
    Files.writeString(maps.resolve("patient.json"), MAP.formatted(""));
    retried = male();
    discarded = male();
    SyncConfig defaults = SyncConfig.defaults();
    SyncConfig config = new SyncConfig(2, 2, false, false, defaults.feedPageSize(), Duration.ofSeconds(1),
        defaults.backfillPageSize(), maps, Duration.ofMillis(200), defaults.conflicts(), null, false,
        defaults.unhealthyAfter());
    target = SyncAgents.target();
    runner = SyncAgents.start(config, target);
    agent = SyncAgents.address(runner);
  }

  @AfterAll
  static void stopAgent() {
    runner.close();
  }

  @Test
  void aRefusedChangeIsListedRetriedOnceItsMapIsFixedAndAnotherDiscarded() throws Exception {
    waitFor(() -> rows(retried, discarded) == 2);
    execute("UPDATE gender_codes SET msemr_azurefhirsyncenabled = true WHERE msemr_azurefhirid IN ('" + retried
        + "', '" + discarded + "')");
    execute("UPDATE gender_codes SET gendercode = 9 WHERE msemr_azurefhirid IN ('" + retried + "', '" + discarded
        + "')");
    Eventually.within(Duration.ofSeconds(90), () -> assertThat(Cli.run("sync", "write-back", "list", "--agent",
        agent).out()).as(changes()).contains("FHIR id " + retried, "FHIR id " + discarded));

    Cli listed = Cli.run("sync", "write-back", "list", "--agent", agent);
    String loadedAt = runner.agent().status().maps().loadedAt();
    Files.writeString(maps.resolve("patient.json"), MAP.formatted(", \"other\": 9"));
    waitFor(() -> !runner.agent().status().maps().loadedAt().equals(loadedAt));
    Cli retry = Cli.run("sync", "write-back", "retry", "--agent", agent, "--id", idOf(listed.out(), retried));
    Eventually.within(Duration.ofSeconds(90), () -> assertThat(gender(retried)).as(changes())
        .isEqualTo(AdministrativeGender.OTHER));
    Cli discard = Cli.run("sync", "write-back", "discard", "--agent", agent, "--all");
    Cli empty = Cli.run("sync", "write-back", "list", "--agent", agent);

    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("UPDATE gender_codes ", "FHIR id " + retried, "FHIR id " + discarded,
        "attempts 1", "gendercode: 9 is none of the values its map lists");
    assertThat(retry.code()).as(retry.err()).isZero();
    assertThat(retry.out()).as("the row's changes, taken together").matches("Retried [12] changes?\\.\\R");
    assertThat(discard.out()).matches("Discarded [12] changes?\\.\\R");
    assertThat(empty.out()).contains("No changes left by write-back.");
    assertThat(gender(discarded)).as("FHIR keeps what it has").isEqualTo(AdministrativeGender.MALE);
  }

  @Test
  void retryAndDiscardWantAnIdOrAllAndAnIdThatIsNotThereIsNamed() {
    Cli.run("sync", "write-back", "retry").refused("--id");
    Cli.run("sync", "write-back", "discard", "--id", "1", "--all").refused("mutually exclusive");
    Cli.run("sync", "write-back", "retry", "--id", "first").refused("--id");

    Cli unknown = Cli.run("sync", "write-back", "discard", "--agent", agent, "--id", "987654321");

    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("brazier sync write-back discard: No change left for the operator has id"
        + " 987654321").contains("brazier sync write-back list").doesNotContain("\tat ");
  }

  @Test
  void writeBackAloneShowsItsSubcommandsAndTheirHelpSaysWhatTheyDo() {
    Cli writeBack = Cli.run("sync", "write-back");
    Cli retryHelp = Cli.run("sync", "write-back", "retry", "--help");

    assertThat(writeBack.code()).isZero();
    assertThat(writeBack.out()).contains("list", "retry", "discard", "sync_row_change");
    assertThat(retryHelp.out()).contains("--id=ID", "--all", "--agent");
  }

  /** The id of the change of resource {@code id} in what {@code list} printed. */
  private static String idOf(String listed, String id) {
    return Arrays.stream(listed.split("\n")).filter(line -> line.contains("FHIR id " + id + " ")).findFirst()
        .orElseThrow().strip().split("\\s+")[0];
  }

  private static String male() {
    return server.client().create().resource(new Patient().setGender(AdministrativeGender.MALE)).execute().getId()
        .getIdPart();
  }

  private static AdministrativeGender gender(String id) {
    return server.client().read().resource(Patient.class).withId(id).execute().getGender();
  }

  private static long rows(String... ids) {
    try (Connection connection = server.database().pool().getConnection();
        Statement statement = connection.createStatement();
        var result = statement.executeQuery("SELECT count(*) FROM " + target.schema() + ".gender_codes WHERE"
            + " msemr_azurefhirid IN ('" + String.join("', '", ids) + "')")) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      return 0; // the table is not made yet
    }
  }

  /** Every row change recorded, for a failure to show. */
  private static String changes() {
    try (Connection connection = server.database().pool().getConnection();
        Statement statement = connection.createStatement();
        var result = statement.executeQuery("SELECT id, row_key, op, attempts, refused, error, old_row->>'gendercode',"
            + " new_row->>'gendercode', new_row->>'msemr_azurefhirid' FROM " + target.schema() + ".sync_row_change")) {
      StringBuilder rows = new StringBuilder("sync_row_change:");
      while (result.next()) {
        rows.append("\n");
        for (int column = 1; column <= 9; column++) {
          rows.append(result.getString(column)).append(' ');
        }
      }
      return rows.toString();
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  /** Runs {@code sql} in the agent's schema as the target's own application would. */
  private static void execute(String sql) throws SQLException {
    try (Connection connection = server.database().pool().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET search_path TO " + target.schema());
      try {
        statement.execute(sql);
      } finally {
        statement.execute("RESET search_path");
      }
    }
  }

  private static void waitFor(BooleanSupplier condition) {
    Eventually.until(Duration.ofSeconds(90), "the agent's state", condition);
  }
}
