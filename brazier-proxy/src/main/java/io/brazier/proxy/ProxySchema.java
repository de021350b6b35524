package io.brazier.proxy;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own tables, in schema {@code brazier_proxy} of the server's database, with migrations of their own
 * ({@code db/proxy}): the store's tables stay the store's, and the proxy reaches the data only through the FHIR API.
 */
final class ProxySchema {
  private static final Logger log = LoggerFactory.getLogger(ProxySchema.class);

  private ProxySchema() {}

  static void migrate(DataSource database) {
    var result = Flyway.configure().dataSource(database).schemas("brazier_proxy").locations("classpath:db/proxy")
        .load().migrate();
    log.info("Proxy schema version={} migrationsApplied={}", result.targetSchemaVersion == null
        ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted);
  }
}
