package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.testkit.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** New embedded data directories made by copying the schema's template cluster. */
class ClusterTemplateTest {
  @TempDir
  Path cache;
  @TempDir
  Path data;

  @Test
  void aNewDataDirectoryStartsAsACopyOfTheTemplateWithEveryMigrationApplied() throws Exception {
    ClusterTemplate template = new ClusterTemplate(cache);

    try (EmbeddedServer server = new EmbeddedServer(data.resolve("postgres"), template).start()) {
      assertThat(template.dir()).isDirectory();
      assertThat(Schema.migrate(dataSource(server)).migrationsExecuted).as("migrations left to apply").isZero();
      assertThat(single(server, "SELECT count(*) FROM resource")).isEqualTo(0);
    }
    assertThat(data.resolve("postgres.copying")).doesNotExist();
  }

  @Test
  void theTemplateIsMadeOnceAndEachCopyIsAClusterOfItsOwn() throws Exception {
    ClusterTemplate template = new ClusterTemplate(cache);
    try (EmbeddedServer first = new EmbeddedServer(data.resolve("first"), template).start()) {
      execute(first, "CREATE TABLE only_in_first (id int)");
    }
    Files.writeString(template.dir().resolve("marker"), "the same template");

    try (EmbeddedServer second = new EmbeddedServer(data.resolve("second"), template).start()) {
      assertThat(data.resolve("second/marker")).hasContent("the same template");
      assertThat(single(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'")).isEqualTo(0);
    }
  }

  /** What lets Database skip Flyway's check: only a directory this start copied has the template's schema for sure. */
  @Test
  void onlyADataDirectoryCopiedByThisStartCountsAsCopiedFromTheTemplate() {
    ClusterTemplate template = new ClusterTemplate(cache);
    try (EmbeddedServer fresh = new EmbeddedServer(data.resolve("postgres"), template).start()) {
      assertThat(fresh.copiedFromTemplate()).isTrue();
    }

    try (EmbeddedServer again = new EmbeddedServer(data.resolve("postgres"), template).start()) {
      assertThat(again.copiedFromTemplate()).as("a data directory that existed").isFalse();
    }
    try (EmbeddedServer made = new EmbeddedServer(data.resolve("initdb"), null).start()) {
      assertThat(made.copiedFromTemplate()).as("a data directory initdb made").isFalse();
    }
  }

  @Test
  void aServersOwnFilesAreLeftOutOfTheCopy() throws Exception {
    ClusterTemplate template = new ClusterTemplate(cache);
    Files.createDirectories(template.dir().resolve("base/1"));
    Files.writeString(template.dir().resolve("PG_VERSION"), "17\n");
    Files.writeString(template.dir().resolve("base/1/1259"), "catalog");
    for (String own : new String[] {"epg-lock", "postmaster.pid", "postmaster.opts"}) {
      Files.writeString(template.dir().resolve(own), "of the server that made the template");
    }

    template.copyTo(data.resolve("postgres"));

    assertThat(data.resolve("postgres/PG_VERSION")).hasContent("17");
    assertThat(data.resolve("postgres/base/1/1259")).hasContent("catalog");
    assertThat(data.resolve("postgres/epg-lock")).doesNotExist();
    assertThat(data.resolve("postgres/postmaster.pid")).doesNotExist();
    assertThat(data.resolve("postgres/postmaster.opts")).doesNotExist();
  }

  @Test
  void aCopyACrashInterruptedIsDiscardedAndMadeAgain() throws Exception {
    ClusterTemplate template = new ClusterTemplate(cache);
    Files.createDirectories(template.dir());
    Files.writeString(template.dir().resolve("PG_VERSION"), "17\n");
    Path interrupted = Files.createDirectories(data.resolve("postgres.copying/base"));
    Files.writeString(interrupted.resolve("half-written"), "torn");

    template.copyTo(data.resolve("postgres"));

    assertThat(data.resolve("postgres.copying")).doesNotExist();
    assertThat(data.resolve("postgres/base/half-written")).doesNotExist();
    assertThat(data.resolve("postgres/PG_VERSION")).hasContent("17");
  }

  /** Nodes started at once on a machine without the template (a test suite's forks, say) make it at once too. */
  @Test
  void nodesMakingTheTemplateAtOnceAllGetTheirCopy() throws Exception {
    ClusterTemplate template = new ClusterTemplate(cache);

    Parallel.Run<Path> run = Parallel.run(2, 1, (node, step) -> {
      Path dataDir = data.resolve("node-" + node);
      template.copyTo(dataDir);
      return dataDir;
    });

    assertThat(run.mostAtOnce()).as("copies at once").isEqualTo(2);
    assertThat(run.results()).allSatisfy(dataDir -> assertThat(dataDir.resolve("PG_VERSION")).isRegularFile());
    assertThat(template.dir().resolve("PG_VERSION")).isRegularFile();
    try (Stream<Path> left = Files.list(cache)) {
      assertThat(left).as("nothing left of either build").containsExactly(template.dir());
    }
  }

  private static PGSimpleDataSource dataSource(EmbeddedServer server) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(server.jdbcUrl());
    return dataSource;
  }

  private static long single(EmbeddedServer server, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
        Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static void execute(EmbeddedServer server, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
