package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.TestStore;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The migrations make a fresh database whole and leave a migrated one as it is; the fingerprint names them. */
class SchemaTest {
  private final TestStore store = TestStore.shared();

  @Test
  void aFreshDatabaseGetsEveryMigrationOnceAndAMigratedOneNone() throws Exception {
    String name = "schema_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE DATABASE " + name);
    try {
      PGSimpleDataSource fresh = new PGSimpleDataSource();
      fresh.setURL(store.database().pool().getJdbcUrl().replaceFirst("/postgres(\\?.*)?$", "/" + name));
      fresh.setUser("postgres");

      MigrateResult first = Schema.migrate(fresh);
      MigrateResult second = Schema.migrate(fresh);

      assertThat(first.migrationsExecuted).isEqualTo(migrationFiles()).isPositive();
      assertThat(first.success).isTrue();
      assertThat(second.migrationsExecuted).isZero();
    } finally {
      execute("DROP DATABASE " + name + " WITH (FORCE)");
    }
  }

  @Test
  void theFingerprintIsTheSameOnEveryCallAndShort() {
    String fingerprint = Schema.fingerprint();

    assertThat(Schema.fingerprint()).isEqualTo(fingerprint);
    assertThat(fingerprint).matches("[0-9a-f]{24}");
  }

  private static long migrationFiles() throws URISyntaxException, java.io.IOException {
    Path folder = Path.of(Schema.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("db/migration");
    try (Stream<Path> files = Files.list(folder)) {
      return files.count();
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = store.database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
