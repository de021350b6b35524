package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A database is either a URL or an embedded one in a folder; a bad setting is refused naming its flag. */
class DatabaseConfigTest {

  @Test
  void anEmbeddedDatabaseHasAFolderNoUrlAndSaneDefaults() {
    DatabaseConfig config = DatabaseConfig.embedded(Path.of("data"));

    assertThat(config.isEmbedded()).isTrue();
    assertThat(config.poolSize()).isPositive();
    assertThat(config.statementTimeout()).isPositive();
  }

  @Test
  void aDatabaseAtAUrlIsNotEmbedded() {
    DatabaseConfig config = new DatabaseConfig("jdbc:postgresql://db/brazier", "u", "p", null, 4,
        Duration.ofSeconds(5));

    assertThat(config.isEmbedded()).isFalse();
  }

  @Test
  void neitherUrlNorFolderIsRefused() {
    assertThatThrownBy(() -> new DatabaseConfig(null, null, null, null, 4, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--db-url or --data-dir");
  }

  @Test
  void anEmptyPoolOrATimeoutThatIsNotPositiveIsRefusedNamingItsFlag() {
    assertThatThrownBy(() -> new DatabaseConfig("jdbc:postgresql://db/b", null, null, null, 0, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--db-pool-size must be at least 1, not 0");
    assertThatThrownBy(() -> new DatabaseConfig("jdbc:postgresql://db/b", null, null, null, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--db-statement-timeout");
    assertThatThrownBy(() -> new DatabaseConfig("jdbc:postgresql://db/b", null, null, null, 1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--db-statement-timeout");
  }
}
