package io.brazier.server;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.brazier.fhir.Fhir;
import io.brazier.store.Change;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A FHIR server on a free port over embedded PostgreSQL. {@link #shared()} is started once per test JVM and shared by
 * all tests; a test of configuration starts a dedicated server on the shared database ({@link #onSharedStore}), and a
 * test that stops or restarts the database starts one on its own ({@link #start}), closing either when done.
 */
public final class TestServer implements AutoCloseable {
  private static TestServer shared;

  private final Fhir fhir;
  private final ServerConfig config;
  private final Database database;
  private final PostgresStore store;
  private final FhirServer server;
  private long lastChange;

  private TestServer(ServerConfig config, Database database, PostgresStore store) {
    this(config, database, store, List.of());
  }

  private TestServer(ServerConfig config, Database database, PostgresStore store, List<Interceptor> interceptors) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.fhir = new Fhir(config.lenient());
    this.config = config;
    this.database = database;
    this.store = store;
    if (database != null) {
      database.pool().setMetricRegistry(registry);
    }
    this.server = new FhirServer(config.withPort(0), fhir, store, registry, interceptors).start();
  }

  public static synchronized TestServer shared() {
    if (shared == null) {
      try {
        shared = start(Files.createTempDirectory("brazier-test"), ServerConfig.defaults());
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** A server with its own embedded PostgreSQL in {@code dataDir} (kept there across a close and a new start). */
  public static TestServer start(Path dataDir, ServerConfig config) {
    Database database = Database.open(DatabaseConfig.embedded(dataDir));
    var fhir = new Fhir(config.lenient());
    return new TestServer(config, database, new PostgresStore(database, fhir.resourceTypes()).startChangeSequencer());
  }

  /** A server configured as given over the shared server's database: cheap, for tests of configuration. */
  public static TestServer onSharedStore(ServerConfig config) {
    return onSharedStore(config, List.of());
  }

  /** A server with these interceptors over the shared server's database. */
  public static TestServer onSharedStore(ServerConfig config, List<Interceptor> interceptors) {
    return new TestServer(config, null, shared().store, interceptors);
  }

  /** Another server, configured as given, over the database of {@code other}: a second node. */
  public static TestServer onStore(TestServer other, ServerConfig config) {
    return new TestServer(config, null, other.store, List.of());
  }

  public ServerConfig config() {
    return config;
  }

  public String baseUrl() {
    return rootUrl() + "/fhir";
  }

  public String rootUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public IGenericClient client() {
    fhir.context().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    // The first $validate may wait for the validator's warm-up, longer than the default 10 s on a busy machine.
    fhir.context().getRestfulClientFactory().setSocketTimeout(60_000);
    return fhir.context().newRestfulGenericClient(baseUrl());
  }

  /** The server's in-process API. */
  public FhirApi api() {
    return server.api();
  }

  /** Raw HTTP, for what the HAPI client cannot send or does not show. */
  public Http http() {
    return new Http(this);
  }

  public Fhir fhir() {
    return fhir;
  }

  public PostgresStore store() {
    return store;
  }

  /** The database of a server started with {@link #start}, to break it for real. */
  public Database database() {
    return database;
  }

  /** The sequence number of the latest change: take it before a request, then see what came after it. */
  public synchronized long lastChange() {
    for (List<Change> page = store.changes(lastChange, 1000); !page.isEmpty();
        page = store.changes(lastChange, 1000)) {
      lastChange = page.get(page.size() - 1).sequence();
    }
    return lastChange;
  }

  /** The changes after {@code seq}: none after a request that must write nothing. */
  public List<Change> changesSince(long seq) {
    return store.changes(seq, 100);
  }

  @Override
  public void close() {
    server.close();
    if (database != null) {
      store.close();
    }
  }
}
