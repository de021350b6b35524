package io.brazier.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the data lives. Without a JDBC URL, an embedded PostgreSQL runs in {@code dataDir}/postgres and keeps its data
 * across restarts.
 */
public record DatabaseConfig(
    String url, String user, String password, Path dataDir, int poolSize, Duration statementTimeout) {

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

  public static DatabaseConfig embedded(Path dataDir) {
    return new DatabaseConfig(null, null, null, dataDir, 32, Duration.ofSeconds(30));
  }

  public boolean isEmbedded() {
    return url == null;
  }
}
