package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.store.DatabaseConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL stopped for real and started again, and guarded against a second owner. */
class EmbeddedServerTest {
  @TempDir
  static Path dataDir;
  private static Database database;

  @BeforeAll
  static void open() {
    database = Database.open(DatabaseConfig.embedded(dataDir));
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void aStoppedServerStartsAgainOnItsDataAndPortAndThePoolFindsItBack() throws Exception {
    database.stopEmbedded();

    assertThat(database.answers()).isFalse();
    database.startEmbedded();

    assertThat(database.answers()).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!poolAnswers() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(poolAnswers()).as("the pool's connections, after the outage").isTrue();
  }

  @Test
  void aDataDirectoryWhosePostgresqlRunsForAnotherOwnerIsRefusedAndThatServerGoesOn() {
    assertThatThrownBy(() -> new EmbeddedServer(dataDir.resolve("postgres"), null).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("runs for another Brazier");

    assertThat(database.answers()).isTrue();
  }

  private static boolean poolAnswers() {
    try (Connection connection = database.dataSource().getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }
}
