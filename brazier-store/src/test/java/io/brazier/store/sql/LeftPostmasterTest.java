package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a start makes of the postmaster.pid a previous run left: only a live postgres started on this very directory
 * is taken for a left PostgreSQL (stopping one, and refusing one a live Brazier owns, are tested with real processes
 * in {@code EmbeddedServerTest} and brazier-app's {@code ServeTest}).
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

  /** The file as PostgreSQL writes it: the pid, then the data directory, start time, port... one per line. */
  private void writePostmasterPid(long pid) throws Exception {
    Files.writeString(dataDir.resolve("postmaster.pid"), pid + "\n" + dataDir + "\n1733380000\n5432\n");
  }
}
