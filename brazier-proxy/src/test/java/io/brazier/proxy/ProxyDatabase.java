package io.brazier.proxy;

import io.brazier.server.TestServer;
import javax.sql.DataSource;

/** The shared test database with the proxy's tables migrated, for tests of what the proxy keeps there. */
public final class ProxyDatabase {
  private static boolean migrated;

  private ProxyDatabase() {}

  public static synchronized DataSource migrated() {
    DataSource database = TestServer.shared().database().dataSource();
    if (!migrated) {
      ProxySchema.migrate(database);
      migrated = true;
    }
    return database;
  }
}
