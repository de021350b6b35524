package io.brazier.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brazier.store.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A migrated PostgreSQL database behind a connection pool: an external one, or an embedded one it starts. */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;

  private Database(EmbeddedPostgres embedded, HikariDataSource pool) {
    this.embedded = embedded;
    this.pool = pool;
  }

  public static Database open(DatabaseConfig config) {
    EmbeddedPostgres embedded = config.isEmbedded() ? startEmbedded(config.dataDir().resolve("postgres")) : null;
    String url = embedded != null ? embedded.getJdbcUrl("postgres", "postgres") : config.url();
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("brazier");
    hikari.setJdbcUrl(url);
    hikari.setUsername(embedded != null ? "postgres" : config.user());
    hikari.setPassword(embedded != null ? null : config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(Math.min(4, config.poolSize()));
    hikari.setConnectionTimeout(10_000);
    // Every statement of every request runs under this bound, so a runaway query cannot hold a connection forever.
    hikari.setConnectionInitSql("SET statement_timeout = " + config.statementTimeout().toMillis());
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    hikari.addDataSourceProperty("prepareThreshold", "3");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      closeQuietly(embedded);
      throw e;
    }
    Database database = new Database(embedded, pool);
    database.migrate();
    return database;
  }

  private static EmbeddedPostgres startEmbedded(Path dir) {
    try {
      Files.createDirectories(dir.getParent());
      LeftoverPostgres.stop(dir);
      long started = System.nanoTime();
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          // The embedded defaults trade durability for test speed; a 2xx from Brazier must survive a power cut.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "200")
          .setServerConfig("shared_buffers", "256MB")
          .setServerConfig("wal_buffers", "16MB")
          .setServerConfig("max_wal_size", "4GB")
          .setServerConfig("checkpoint_timeout", "15min")
          .setServerConfig("wal_compression", "on")
          .start();
      log.info("Embedded PostgreSQL started dir={} port={} ms={}", dir, postgres.getPort(),
          (System.nanoTime() - started) / 1_000_000);
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dir, e);
    }
  }

  private void migrate() {
    var result = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    log.info("Database schema version={} migrationsApplied={}", result.targetSchemaVersion == null
        ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted);
    warnWithoutTrigramIndex();
  }

  /**
   * V4 creates no trigram index where pg_trgm is missing; searches still work, :contains scans, the operator acts.
   * An index that a bulk import dropped (recorded in {@code import_index}) is one the import builds again.
   */
  private void warnWithoutTrigramIndex() {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT to_regclass('search_string_trigram') IS NOT NULL"
            + " OR EXISTS (SELECT 1 FROM import_index WHERE name = 'search_string_trigram')")) {
      if (row.next() && !row.getBoolean(1)) {
        log.warn("No trigram index: string :contains searches scan every value of the parameter. Install the"
            + " pg_trgm extension and create the index as docs/ARCHITECTURE.md shows");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not check the trigram index", e);
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  public HikariDataSource pool() {
    return pool;
  }

  /**
   * Whether the database answers within two seconds, on a connection of its own: the pool, once a failure has
   * emptied it, would make a health check wait its whole connection timeout (ten seconds) to say no.
   */
  public boolean answers() {
    try (Connection connection = connect(2, "brazier-health")) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * A connection of its own, outside the pool, that gives up on a database silent for {@code timeoutSeconds}: for
   * health checks, and for the one connection that listens to the other nodes' notices. {@code name} is what
   * {@code pg_stat_activity} shows an operator.
   */
  Connection connect(int timeoutSeconds, String name) throws SQLException {
    Properties properties = new Properties();
    if (pool.getUsername() != null) {
      properties.setProperty("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      properties.setProperty("password", pool.getPassword());
    }
    properties.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
    properties.setProperty("socketTimeout", Integer.toString(timeoutSeconds));
    properties.setProperty("ApplicationName", name);
    return DriverManager.getConnection(pool.getJdbcUrl(), properties);
  }

  /**
   * Stops the embedded PostgreSQL, if there is one, and leaves the pool to find it gone: an outage, as the tests of
   * {@code /healthz} stage it. {@link #close()} still closes the pool.
   */
  public void stopEmbedded() {
    closeQuietly(embedded);
  }

  @Override
  public void close() {
    pool.close();
    closeQuietly(embedded);
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
