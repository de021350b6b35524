package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a start makes of the postmaster.pid a previous run left: only a live postgres started on this very directory
 * is taken for a left PostgreSQL, and one whose process was killed is stopped with what it committed kept (refusing
 * one a live Brazier owns is tested in {@code EmbeddedServerTest} and brazier-app's {@code ServeTest}).
 */
class LeftPostmasterTest {
  @TempDir
  Path dataDir;

  @Test
  void aDirectoryWithoutPostmasterPidHasNoLeftPostgres() {
    assertThat(LeftPostmaster.find(dataDir)).isEmpty();
    LeftPostmaster.stopIfAny(dataDir);
  }

  @Test
  void aPidOfAProcessThatEndedIsStaleAndLeftAlone() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    writePostmasterPid(ended.pid());

    assertThat(LeftPostmaster.find(dataDir)).isEmpty();
    LeftPostmaster.stopIfAny(dataDir);
  }

  /** After a reboot the pid may name any process, here one that is not a postgres: it must not be stopped. */
  @Test
  void aPidReusedByAProcessThatIsNotAPostgresOfThisDirectoryIsLeftAlone() throws Exception {
    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      writePostmasterPid(other.pid());

      assertThat(LeftPostmaster.find(dataDir)).isEmpty();
      LeftPostmaster.stopIfAny(dataDir);
      assertThat(other.isAlive()).isTrue();
    } finally {
      other.destroyForcibly().waitFor();
    }
  }

  @Test
  void aPostmasterPidThatIsNotANumberIsIgnored() throws Exception {
    Files.writeString(dataDir.resolve("postmaster.pid"), "not a pid\n");

    assertThat(LeftPostmaster.find(dataDir)).isEmpty();
  }

  @Test
  void anEmptyPostmasterPidIsIgnored() throws Exception {
    Files.writeString(dataDir.resolve("postmaster.pid"), "");

    assertThat(LeftPostmaster.find(dataDir)).isEmpty();
  }

  @Test
  void thePostgresOfAKilledProcessIsStoppedAtTheNextStartAndWhatItCommittedIsKept() throws Exception {
    Path dir = dataDir.resolve("postgres");
    Process node = startNode(dir);
    node.destroyForcibly().waitFor();
    ProcessHandle left = LeftPostmaster.find(dir).orElseThrow(() -> new AssertionError("no postgres left running"));

    try (EmbeddedServer restarted = new EmbeddedServer(dir, null).start();
        Connection connection = DriverManager.getConnection(restarted.jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT note FROM committed_before_the_kill")) {
      assertThat(left.isAlive()).as("the left postgres stopped").isFalse();
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("acknowledged");
    } finally {
      left.destroy();
    }
  }

  /**
   * Starts a JVM of its own whose embedded PostgreSQL in {@code dir} commits a row; returns once it has. Its output
   * is never closed: the postgres that outlives it holds the pipe, and a daemon thread drains it.
   */
  private static Process startNode(Path dir) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), Node.class.getName(), dir.toString());
    Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      if (line.equals(Node.COMMITTED)) {
        Thread drain = new Thread(() -> output.lines().forEach(ignored -> { }));
        drain.setDaemon(true);
        drain.start();
        return node;
      }
    }
    throw new AssertionError("The node ended before it committed");
  }

  /** A process that starts an embedded PostgreSQL, commits a row, says so, and runs until it is killed. */
  static final class Node {
    static final String COMMITTED = "committed";

    public static void main(String[] args) throws Exception {
      EmbeddedServer server = new EmbeddedServer(Path.of(args[0]), null).start();
      try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE committed_before_the_kill (note text)");
        statement.execute("INSERT INTO committed_before_the_kill VALUES ('acknowledged')");
      }
      System.out.println(COMMITTED);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** The file as PostgreSQL writes it: the pid, then the data directory, start time, port... one per line. */
  private void writePostmasterPid(long pid) throws Exception {
    Files.writeString(dataDir.resolve("postmaster.pid"), pid + "\n" + dataDir + "\n1733380000\n5432\n");
  }
}
