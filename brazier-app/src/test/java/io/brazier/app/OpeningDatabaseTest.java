package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.store.DatabaseConfig;
import io.brazier.testkit.ClosedPort;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database a start opens beside its other parts, and closes when one of them fails. */
class OpeningDatabaseTest {
  @TempDir
  Path dir;

  @AfterEach
  void stopEverything() {
    ServeProcess.stopEverything(null, dir);
  }

  /** As when building the search machinery fails while PostgreSQL starts: the close waits for it, then stops it. */
  @Test
  void closedWhileItsPostgresqlStartsItStopsThatPostgresqlOnceStarted() {
    OpeningDatabase opening = OpeningDatabase.begin(DatabaseConfig.embedded(dir));

    opening.close();

    assertThat(dir.resolve("postgres").resolve("PG_VERSION")).as("PostgreSQL was started").exists();
    assertThat(ServeProcess.postgres(dir)).as("the PostgreSQL it started").isEmpty();
  }

  @Test
  void anOpenDatabaseIsTheOneAwaited() throws Exception {
    OpeningDatabase opening = OpeningDatabase.begin(DatabaseConfig.embedded(dir));
    try {
      assertThat(opening.await().answers()).isTrue();
      assertThat(ServeProcess.postgres(dir)).isPresent();
    } finally {
      opening.close();
    }

    assertThat(ServeProcess.postgres(dir)).isEmpty();
  }

  @Test
  void aDatabaseThatCannotOpenSaysWhyAndLeavesNothingToClose() {
    String closed = ClosedPort.address();
    OpeningDatabase opening = OpeningDatabase.begin(new DatabaseConfig("jdbc:postgresql://" + closed + "/brazier",
        "brazier", "secret", null, 2, Duration.ofSeconds(5)));

    assertThatThrownBy(opening::await).hasMessageContaining(closed);
    opening.close(); // nothing opened, nothing thrown
  }
}
