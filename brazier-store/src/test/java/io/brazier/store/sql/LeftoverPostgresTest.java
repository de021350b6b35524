package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start on a data directory whose PostgreSQL outlived its killed process stops that PostgreSQL first. */
class LeftoverPostgresTest {

  @Test
  void aDatabaseOpensOnADirectoryWhosePostgresOutlivedItsKilledProcessAndKeepsItsData(@TempDir Path dataDir)
      throws Exception {
    Path dir = dataDir.resolve("postgres");
    Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Child.class.getName(), dir.toString())
        .redirectErrorStream(true).start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(killed.getInputStream()))) {
      assertThat(output.lines().filter(line -> line.equals("ready")).findFirst()).isPresent();
      killed.destroyForcibly().waitFor(); // kill -9: its PostgreSQL runs on, holding the directory
    }
    long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());

    try (Database database = Database.open(DatabaseConfig.embedded(dataDir));
        Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT n FROM leftover.staged")) {

      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the leftover postmaster")
          .isFalse();
      assertThat(row.next()).isTrue();
      assertThat(row.getInt(1)).as("an unlogged table survives the fast shutdown").isEqualTo(42);
    }
  }

  /** A process that starts an embedded PostgreSQL on a directory, writes a row, and waits to be killed. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(Path.of(args[0]))
          .setCleanDataDirectory(false).start();
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA leftover");
        statement.execute("CREATE UNLOGGED TABLE leftover.staged (n int)");
        statement.execute("INSERT INTO leftover.staged VALUES (42)");
      }
      System.out.println("ready");
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void aStalePidFileOfAnotherProcessIsLeftAlone(@TempDir Path dataDir) throws Exception {
    Path dir = dataDir.resolve("postgres");
    Files.createDirectories(dir);
    // The pid of a live process that is no postgres (this JVM), as after a reboot that reused the number.
    Files.writeString(dir.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + dir + "\n");

    LeftoverPostgres.stop(dir);

    assertThat(ProcessHandle.current().isAlive()).isTrue();
    assertThat(dir.resolve("postmaster.pid")).exists();
  }
}
