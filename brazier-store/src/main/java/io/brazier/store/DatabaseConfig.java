package io.brazier.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the data lives. Without a JDBC URL, an embedded PostgreSQL runs in {@code dataDir}/postgres and keeps its data
 * across restarts. {@code stopsAtExit}: the embedded PostgreSQL stops by a shutdown hook of its own when the JVM
 * exits, for a program that never closes its database; one that closes it in order at exit (a command, after
 * what uses it) says false, as that hook would stop PostgreSQL under the parts still closing.
 */
public record DatabaseConfig(String url, String user, String password, Path dataDir, int poolSize,
    Duration statementTimeout, boolean stopsAtExit) {

  public DatabaseConfig {
    if (url == null && dataDir == null) {
      throw new IllegalArgumentException("either --db-url or --data-dir must be given");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("--db-pool-size must be at least 1, not " + poolSize);
    }
    if (statementTimeout.isNegative() || statementTimeout.isZero()) {
      throw new IllegalArgumentException("--db-statement-timeout must be positive, not " + statementTimeout);
    }
  }

  /** A database whose embedded PostgreSQL stops at the JVM's exit by itself. */
  public DatabaseConfig(String url, String user, String password, Path dataDir, int poolSize,
      Duration statementTimeout) {
    this(url, user, password, dataDir, poolSize, statementTimeout, true);
  }

  public static DatabaseConfig embedded(Path dataDir) {
    return new DatabaseConfig(null, null, null, dataDir, 32, Duration.ofSeconds(30));
  }

  public boolean isEmbedded() {
    return url == null;
  }
}
