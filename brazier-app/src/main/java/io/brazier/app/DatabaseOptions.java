package io.brazier.app;

import io.brazier.events.EventPublisher;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the data lives: the options of every command that opens the database. */
final class DatabaseOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "./brazier-data", paramLabel = "DIR",
      description = "Where the embedded database keeps its files (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--db-url", paramLabel = "JDBC_URL",
      description = "An external PostgreSQL, e.g. jdbc:postgresql://db:5432/fhir (default: embedded).")
  String dbUrl;

  @Option(names = "--db-user", description = "User of the external PostgreSQL.")
  String dbUser;

  @Option(names = "--db-password", description = "Password of the external PostgreSQL (prefer BRAZIER_DB_PASSWORD).")
  String dbPassword;

  @Option(names = "--db-pool-size", defaultValue = "32",
      description = "Database connections in the pool (default: ${DEFAULT-VALUE}).")
  int dbPoolSize;

  @Option(names = "--db-statement-timeout", defaultValue = "PT30S", paramLabel = "DURATION",
      description = "Longest a database statement of a request may run, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration statementTimeout;

  DatabaseConfig config() {
    // Each command closes its database at exit, after what uses it: PostgreSQL must not stop first.
    return Usage.checked(spec, () -> new DatabaseConfig(dbUrl, dbUser, dbPassword, dataDir.toAbsolutePath(),
        dbPoolSize, statementTimeout, false));
  }

  /** Unpooled connections to the same database, for what holds a connection of its own (a lease). */
  static DataSource unpooled(Database database) {
    var pool = database.pool();
    return EventPublisher.database(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
  }
}
