package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.DatabaseConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the data lives: the flags every command that opens the database shares, and each bad value refused before
 * a database is opened or created, exit 2, naming the flag.
 */
class DatabaseOptionsTest {
  @TempDir
  Path dir;

  @Test
  void theFlagsMakeTheConfigurationWithAnAbsoluteDataDirectory() {
    Serve serve = ServeArguments.parse("--data-dir", "relative-data", "--db-url", "jdbc:postgresql://db:5432/fhir",
        "--db-user", "fhir", "--db-pool-size", "8", "--db-statement-timeout", "PT2M");

    DatabaseConfig config = serve.database.config();

    assertThat(config.dataDir()).isAbsolute().endsWithRaw(Path.of("relative-data"));
    assertThat(config.url()).isEqualTo("jdbc:postgresql://db:5432/fhir");
    assertThat(config.user()).isEqualTo("fhir");
    assertThat(config.poolSize()).isEqualTo(8);
    assertThat(config.statementTimeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aPoolWithoutConnectionsIsRefused() {
    assertRefused("--db-pool-size", "0", "--db-pool-size must be at least 1, not 0");
  }

  @Test
  void aPoolSizeThatIsNoNumberIsRefused() {
    assertRefused("--db-pool-size", "many", "--db-pool-size");
  }

  @Test
  void aStatementTimeoutOfNothingIsRefused() {
    assertRefused("--db-statement-timeout", "PT0S", "--db-statement-timeout must be positive, not PT0S");
  }

  @Test
  void aStatementTimeoutThatIsNotIso8601IsRefused() {
    assertRefused("--db-statement-timeout", "30s", "--db-statement-timeout");
  }

  private void assertRefused(String flag, String value, String message) {
    Path data = dir.resolve("data");

    Cli.run("serve", "--data-dir", data.toString(), flag, value).refused(message);

    assertThat(data).doesNotExist();
  }
}
