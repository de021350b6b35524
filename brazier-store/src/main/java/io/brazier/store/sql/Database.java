package io.brazier.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brazier.store.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A migrated PostgreSQL database behind a connection pool: an external one, or an embedded one it starts. */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final EmbeddedServer embedded;
  private final HikariDataSource pool;

  private Database(EmbeddedServer embedded, HikariDataSource pool) {
    this.embedded = embedded;
    this.pool = pool;
  }

  public static Database open(DatabaseConfig config) {
    EmbeddedServer embedded = config.isEmbedded() ? new EmbeddedServer(config.dataDir().resolve("postgres"),
        new ClusterTemplate(ClusterTemplate.userCache()), config.stopsAtExit()).start() : null;
    String url = embedded != null ? embedded.jdbcUrl() : config.url();
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
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
    Database database = new Database(embedded, pool);
    try {
      database.migrate();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    return database;
  }

  /**
   * Applies the migrations the database lacks, checking those it has; a cluster just copied from the template has
   * them all, checked when the template was made from these same migrations, and Flyway's check of it would cost
   * a second of the start.
   */
  private void migrate() {
    if (embedded != null && embedded.copiedFromTemplate()) {
      log.info("Database schema as its template made it, migrations not checked again");
      warnWithoutTrigramIndex();
      return;
    }
    long started = System.nanoTime();
    var result = Schema.migrate(pool);
    log.info("Database schema version={} migrationsApplied={} ms={}", result.targetSchemaVersion == null
        ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted,
        (System.nanoTime() - started) / 1_000_000);
    warnWithoutTrigramIndex();
  }

  /**
   * V4 creates no trigram index where pg_trgm is missing; searches still work, :contains scans, the operator acts. An
   * import into an empty store drops the index to build it again (it is then recorded in {@code import_index}): no
   * reason to warn.
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
   * Stops the embedded PostgreSQL, if there is one, and leaves the pool to find it gone: an outage, as tests stage
   * it. {@link #startEmbedded()} ends it; {@link #close()} still closes the pool.
   */
  public void stopEmbedded() {
    if (embedded != null) {
      embedded.stop();
    }
  }

  /** Starts the embedded PostgreSQL again after {@link #stopEmbedded()}, on its data and port: the pool finds it. */
  public void startEmbedded() {
    if (embedded != null) {
      embedded.start();
    }
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
