package io.brazier.sync;

import java.util.regex.Pattern;

/**
 * The relational system of engagement: a PostgreSQL database and the schema the agent owns there (its tables, made
 * from the maps, and its own bookkeeping).
 *
 * @param url a JDBC URL, {@code jdbc:postgresql://host:5432/crm}
 * @param poolSize connections: see {@link #poolFor}
 */
public record TargetConfig(String url, String user, String password, String schema, int poolSize) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public TargetConfig {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--sync-target-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host/db),"
          + " not " + url);
    }
    if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException("--sync-target-schema must be a lower-case name (letters, digits, _), not "
          + schema);
    }
    if (poolSize < 2) {
      throw new IllegalArgumentException("the target's pool needs at least 2 connections, not " + poolSize);
    }
  }

  /**
   * The connections an agent of {@code workers} workers wants: one per worker of the feed and one per worker of the
   * write-back, plus the back-fill's, the leader lock's and a few spare.
   */
  public static int poolFor(int workers) {
    return 2 * workers + 4;
  }
}
