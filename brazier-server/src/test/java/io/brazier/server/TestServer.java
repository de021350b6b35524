package io.brazier.server;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.brazier.fhir.Fhir;
import io.brazier.store.Change;
import io.brazier.store.ChangePage;
import io.brazier.store.ChangeQuery;
import io.brazier.store.DatabaseConfig;
import io.brazier.testkit.TempFolders;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

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
  private final Overlap overlap = new Overlap();
  /**
   * Where the servers on this database write local exports unless their configuration names a folder: every node of
   * a database must share it (any node's job runner may run an export that another node serves), as in production.
   */
  private final Path exportDir;
  private Path temporaryFolder;
  /** What this server's interceptors hold (a proxy's security: its listening connection), closed with it. */
  private final List<AutoCloseable> alsoClosed = new CopyOnWriteArrayList<>();
  private long lastChange;

  private TestServer(ServerConfig config, Database database, PostgresStore store, Path exportDir) {
    this(config, database, store, exportDir, api -> List.of(), HttpExtension.NONE);
  }

  private TestServer(ServerConfig config, Database database, PostgresStore store, Path exportDir,
      Function<FhirApi, List<Interceptor>> interceptors, HttpExtension extension) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.fhir = new Fhir(config.lenient());
    this.config = config;
    this.database = database;
    this.store = store;
    this.exportDir = exportDir;
    if (database != null) {
      database.pool().setMetricRegistry(registry);
    }
    ServerConfig.Builder served = config.toBuilder().port(0);
    if (config.exports().dir() == null) {
      served.exports(config.exports().toBuilder().dir(exportDir).build());
    }
    this.server = new FhirServer(served.build(), fhir, store, registry,
        api -> Stream.concat(Stream.of(overlap), interceptors.apply(api).stream()).toList(), extension).start();
  }

  public static synchronized TestServer shared() {
    if (shared == null) {
      shared = start(ServerConfig.defaults());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A server with its own embedded PostgreSQL in a temporary folder, removed when the server is closed. */
  public static TestServer start(ServerConfig config) {
    return start(config, List.of());
  }

  /** A server with its own embedded PostgreSQL in a temporary folder, with these interceptors. */
  public static TestServer start(ServerConfig config, List<Interceptor> interceptors) {
    Path folder = TempFolders.create("brazier-test");
    TestServer server = start(folder, config, interceptors);
    server.temporaryFolder = folder;
    return server;
  }

  /** A server with its own embedded PostgreSQL in {@code dataDir} (kept there across a close and a new start). */
  public static TestServer start(Path dataDir, ServerConfig config) {
    return start(dataDir, config, List.of());
  }

  /** A server with its own embedded PostgreSQL in {@code dataDir}, with these interceptors. */
  public static TestServer start(Path dataDir, ServerConfig config, List<Interceptor> interceptors) {
    Database database = Database.open(DatabaseConfig.embedded(dataDir));
    var fhir = new Fhir(config.lenient());
    return new TestServer(config, database, new PostgresStore(database, fhir.resourceTypes()).startChangeSequencer(),
        dataDir.resolve("exports"), api -> interceptors, HttpExtension.NONE);
  }

  /**
   * Another node on this server's database: its own connection pool (to the database's JDBC URL, as
   * {@code --db-url} gives it), store, caches, change sequencer, job runner and HTTP server, sharing nothing else.
   */
  public TestServer secondNode() {
    return secondNode(ServerConfig.defaults(), api -> List.of(), HttpExtension.NONE);
  }

  /** Another node on this server's database (see {@link #secondNode()}), configured as given. */
  public TestServer secondNode(ServerConfig config) {
    return secondNode(config, api -> List.of(), HttpExtension.NONE);
  }

  /** Another node on this server's database (see {@link #secondNode()}), configured as given, with interceptors. */
  public TestServer secondNode(ServerConfig config, List<Interceptor> interceptors) {
    return secondNode(config, api -> interceptors, HttpExtension.NONE);
  }

  /** Another node on this server's database, as {@link #secondNode()}, with interceptors and HTTP beside FHIR. */
  public TestServer secondNode(Function<FhirApi, List<Interceptor>> interceptors, HttpExtension extension) {
    return secondNode(ServerConfig.defaults(), interceptors, extension);
  }

  private TestServer secondNode(ServerConfig config, Function<FhirApi, List<Interceptor>> interceptors,
      HttpExtension extension) {
    return nodeOn(database, exportDir, config, 8, Duration.ofSeconds(30), interceptors, extension);
  }

  /** Another node on the shared server's database, whose statements may run at most {@code statementTimeout}. */
  public static TestServer onSharedDatabase(Duration statementTimeout) {
    return nodeOn(shared().database, shared().exportDir, ServerConfig.defaults(), 4, statementTimeout,
        api -> List.of(), HttpExtension.NONE);
  }

  private static TestServer nodeOn(Database database, Path exportDir, ServerConfig config, int poolSize,
      Duration statementTimeout, Function<FhirApi, List<Interceptor>> interceptors, HttpExtension extension) {
    var pool = database.pool();
    Database own = Database.open(new DatabaseConfig(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword(), null,
        poolSize, statementTimeout));
    var fhir = new Fhir(false);
    return new TestServer(config, own,
        new PostgresStore(own, fhir.resourceTypes()).startChangeSequencer(), exportDir, interceptors, extension);
  }

  /** A server configured as given over the shared server's database: cheap, for tests of configuration. */
  public static TestServer onSharedStore(ServerConfig config) {
    return onSharedStore(config, List.of());
  }

  /** A server with these interceptors over the shared server's database. */
  public static TestServer onSharedStore(ServerConfig config, List<Interceptor> interceptors) {
    return onSharedStore(config, api -> interceptors, HttpExtension.NONE);
  }

  /** A server with interceptors and HTTP beside FHIR (the proxy's security, say) over the shared database. */
  public static TestServer onSharedStore(ServerConfig config, Function<FhirApi, List<Interceptor>> interceptors,
      HttpExtension extension) {
    TestServer shared = shared();
    return new TestServer(config, null, shared.store, shared.exportDir, interceptors, extension);
  }

  /** Another server, configured as given, over the database of {@code other}: a second node. */
  public static TestServer onStore(TestServer other, ServerConfig config) {
    return new TestServer(config, null, other.store, other.exportDir, api -> List.of(), HttpExtension.NONE);
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

  /** Makes /healthz ask {@code problem} too: see {@link FhirServer#healthCheck}. */
  public TestServer healthCheck(String name, java.util.function.Supplier<String> problem) {
    server.healthCheck(name, problem);
    return this;
  }

  /** Raw HTTP, for what the HAPI client cannot send or does not show. */
  public Http http() {
    return new Http(this);
  }

  /** The server's in-process API, as the proxy, the loader and the sync agent call it. */
  public FhirApi api() {
    return server.api();
  }

  public Fhir fhir() {
    return fhir;
  }

  /** How many requests this server answered at once: reset it, send concurrent requests, and check. */
  public Overlap overlap() {
    return overlap;
  }

  public PostgresStore store() {
    return store;
  }

  /** The database of a server started with {@link #start}, to break it for real. */
  public Database database() {
    return database;
  }

  /**
   * The sequence number of the latest change: take it before a request, then see what came after it. The changes
   * committed so far are numbered first, rather than when the sequencer next runs.
   */
  public synchronized long lastChange() {
    store.numberChanges();
    ChangePage page;
    do {
      page = store.changes(ChangeQuery.after(lastChange, 1000));
      lastChange = page.last(); // the newest sequence once a page is not full
    } while (page.changes().size() == 1000);
    return lastChange;
  }

  /** The changes after {@code seq}, numbered now: none after a request that must write nothing. */
  public List<Change> changesSince(long seq) {
    store.numberChanges();
    return store.changes(ChangeQuery.after(seq, 100)).changes();
  }

  /** Closes {@code resource} when this server closes: what its interceptors hold. */
  public TestServer alsoClosing(AutoCloseable resource) {
    alsoClosed.add(resource);
    return this;
  }

  private static void closeOrFail(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    alsoClosed.forEach(TestServer::closeOrFail);
    if (database != null) {
      store.close();
    }
    if (temporaryFolder != null) {
      TempFolders.delete(temporaryFolder);
    }
  }
}
