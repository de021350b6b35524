package io.brazier.sync.target;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brazier.sync.TargetConfig;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target database behind the agent's own connection pool, every connection in the agent's schema (its
 * {@code search_path}), so that nothing the agent writes can touch another schema, such as the FHIR store's when the
 * target is Brazier's own database. The agent's bookkeeping tables are migrated by Flyway, with a history table of
 * their own in that schema.
 */
public final class TargetDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TargetDatabase.class);

  private final HikariDataSource pool;
  private final String schema;
  private final String url;

  private TargetDatabase(HikariDataSource pool, TargetConfig config) {
    this.pool = pool;
    this.schema = config.schema();
    this.url = config.url();
  }

  /** The database, its bookkeeping migrated: refused (a runtime exception) when it cannot be reached. */
  public static TargetDatabase open(TargetConfig config) {
    TargetDatabase database = connect(config);
    try {
      database.migrate();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    return database;
  }

  /**
   * The database behind a pool that connects when asked, so that it may be down now: {@link #migrate} once it
   * answers, before anything else.
   */
  public static TargetDatabase connect(TargetConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("brazier-sync");
    hikari.setJdbcUrl(config.url());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(10_000);
    hikari.setInitializationFailTimeout(-1);
    // Auto-commit, so that these settings are committed at once; transactions turn it off for their time.
    // The schema may not exist before the first migration creates it; search_path names it all the same.
    // brazier.sync_agent tells the write-back trigger that the agent writes: its rows are not the target's changes.
    hikari.setConnectionInitSql("SET search_path = " + config.schema() + "; SET statement_timeout = 60000;"
        + " SET brazier.sync_agent = 'on'");
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new TargetDatabase(new HikariDataSource(hikari), config);
  }

  /**
   * Migrates the agent's bookkeeping tables (Flyway, which finds those applied already).
   *
   * @throws RuntimeException when the database cannot be reached or refuses
   */
  public void migrate() {
    var result = Flyway.configure().dataSource(pool).schemas(schema).defaultSchema(schema)
        .table("sync_schema_history").locations("classpath:io/brazier/sync/migration").load().migrate();
    log.info("Sync target ready url={} schema={} migrationsApplied={}", url, schema, result.migrationsExecuted);
  }

  public String schema() {
    return schema;
  }

  /** A connection of the pool, in a transaction of its own: commit or roll back before closing it. */
  public Connection connection() throws SQLException {
    Connection connection = pool.getConnection();
    connection.setAutoCommit(false);
    return connection;
  }

  /** Work done in one transaction, committed when it returns and rolled back when it throws. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  public <T> T transaction(Work<T> work) throws SQLException {
    try (Connection connection = connection()) {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        throw e;
      }
    }
  }

  private static void rollback(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** The JDBC URL, user and password, for the leader lock's connection of its own. */
  HikariDataSource pool() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
  }
}
