package io.brazier.app;

import io.brazier.fhir.Fhir;
import io.brazier.proxy.Security;
import io.brazier.server.ExportConfig;
import io.brazier.server.FhirServer;
import io.brazier.server.ServerConfig;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code brazier serve}: the FHIR server on PostgreSQL, embedded unless a database URL is given. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Starts the FHIR R4 server at http://<host>:<port>/fhir, with /healthz and /metrics beside it.",
        "Without --db-url it runs an embedded PostgreSQL in <data-dir>/postgres and keeps the data across restarts."},
    sortOptions = false)
final class Serve implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Serve.class);

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (port=8080, db-url=...). Env: BRAZIER_CONFIG.")
  Path config;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Another than loopback (0.0.0.0 opens it to"
          + " the network) needs --auth, or --insecure.")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "The FHIR base URL written in Location, fullUrl and links (default: from each request).")
  String baseUrl;

  @Option(names = "--trust-forwarded-headers", defaultValue = "false",
      description = "Take the base URL's scheme and host from X-Forwarded-Proto/Host (only behind a trusted proxy).")
  boolean trustForwardedHeaders;

  @Option(names = "--data-dir", defaultValue = "./brazier-data", paramLabel = "DIR",
      description = "Where the embedded database keeps its files (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--db-url", paramLabel = "JDBC_URL",
      description = "An external PostgreSQL, e.g. jdbc:postgresql://db:5432/fhir (default: embedded).")
  String dbUrl;

  @Option(names = "--db-user", description = "User of the external PostgreSQL.")
  String dbUser;

  @Option(names = "--db-password", description = "Password of the external PostgreSQL (prefer BRAZIER_DB_PASSWORD).")
  String dbPassword;

  @Option(names = "--db-pool-size", defaultValue = "32",
      description = "Database connections in the pool (default: ${DEFAULT-VALUE}).")
  int dbPoolSize;

  @Option(names = "--db-statement-timeout", defaultValue = "PT30S", paramLabel = "DURATION",
      description = "Longest a database statement of a request may run, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration statementTimeout;

  @Option(names = "--max-body-bytes", defaultValue = "134217728",
      description = "Largest request body accepted, after decompression; larger is a 413 (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Option(names = "--cors-origins", split = ",", paramLabel = "ORIGIN",
      description = "Origins allowed by CORS, comma separated, or * for any (default: CORS off).")
  List<String> corsOrigins = List.of();

  @Option(names = "--lenient", defaultValue = "false",
      description = "Drop unknown elements and invalid values instead of rejecting the request with 400.")
  boolean lenient;

  @Option(names = "--conditional-delete-max", defaultValue = "100",
      description = "Most resources one conditional delete may remove; more matches are a 412 (default: ${DEFAULT-VALUE}).")
  int conditionalDeleteMax;

  @Option(names = "--page-size", defaultValue = "20",
      description = "Entries per page of search, history and $changes when the client sets no _count "
          + "(default: ${DEFAULT-VALUE}).")
  int pageSize;

  @Option(names = "--max-page-size", defaultValue = "1000",
      description = "Most entries per page of search, history and $changes whatever _count asks; a search says so"
          + " in its OperationOutcome entry when it lowers _count (default: ${DEFAULT-VALUE}).")
  int maxPageSize;

  @Option(names = "--bundle-max-entries", defaultValue = "50000",
      description = "Most entries in one batch or transaction; more are a 413 (default: ${DEFAULT-VALUE}).")
  int bundleMaxEntries;

  @Option(names = "--bundle-max-bytes", defaultValue = "67108864",
      description = "Largest batch or transaction body in bytes, after decompression; larger is a 413"
          + " (default: ${DEFAULT-VALUE}, room for the largest Synthea bundle, 36 MB).")
  long bundleMaxBytes;

  @Option(names = "--referential-integrity", defaultValue = "enforce", paramLabel = "enforce|lenient",
      description = "enforce: a write whose local reference names no stored resource fails with 400; lenient: it is"
          + " stored as it is (default: ${DEFAULT-VALUE}).")
  ServerConfig.ReferentialIntegrity referentialIntegrity;

  @Option(names = "--missing-references", defaultValue = "error", paramLabel = "error|placeholder",
      description = "error: a conditional reference (Practitioner?identifier=...) that matches nothing fails the"
          + " write with 400; placeholder: a placeholder resource with that identifier (or the missing id) is"
          + " created, tagged https://brazier.io/fhir/tag|placeholder, and referenced (default: ${DEFAULT-VALUE}).")
  ServerConfig.MissingReferences missingReferences;

  @Option(names = "--changes-retention", paramLabel = "DURATION", converter = Retention.class,
      description = "How long the change feed ($changes) keeps changes: days (30) or an ISO-8601 duration (P30D,"
          + " PT12H). Older ones are deleted hourly, and a reader asking for them gets 410 and must re-sync"
          + " (default: keep all).")
  Duration changesRetention;

  @Option(names = "--export-dir", paramLabel = "DIR",
      description = "Where $export writes its files, a folder per export (default: <data-dir>/export). Nodes that"
          + " share one folder (shared storage) serve and resume each other's exports.")
  Path exportDir;

  @Option(names = "--export-file-max-mb", defaultValue = "64",
      description = "A type's export file is continued in a new one past this size (default: ${DEFAULT-VALUE}).")
  int exportFileMaxMb;

  @Option(names = "--export-max-running", defaultValue = "2",
      description = "Most $export jobs queued or running at once, on all nodes together; more are refused with 429"
          + " and Retry-After (default: ${DEFAULT-VALUE}).")
  int exportMaxRunning;

  @Option(names = "--export-ttl", defaultValue = "PT24H", paramLabel = "DURATION",
      description = "How long a finished export's manifest and files are kept, ISO-8601, at most P7D"
          + " (default: ${DEFAULT-VALUE}).")
  Duration exportTtl;

  @Option(names = "--export-blob", paramLabel = "CONNECTION_STRING|URL",
      description = "Write exports to Azure Blob storage: a connection string, or the account URL with a SAS"
          + " (prefer BRAZIER_EXPORT_BLOB) (default: local files).")
  String exportBlob;

  @Option(names = "--export-container", defaultValue = ExportConfig.DEFAULT_CONTAINER, paramLabel = "NAME",
      description = "The Blob container of exports whose kick-off names no _container (default: ${DEFAULT-VALUE}).")
  String exportContainer;

  @Option(names = "--export-blob-links", defaultValue = "sas", paramLabel = "sas|server",
      description = "sas: the manifest links Blob exports by read-only SAS URLs that expire with the export;"
          + " server: by this server's own links, which need the caller's token (default: ${DEFAULT-VALUE}).")
  ExportConfig.Links exportBlobLinks;

  @Mixin
  AuthOptions auth = new AuthOptions();

  @Override
  public Integer call() throws InterruptedException {
    String refusal = auth.refusal(host);
    if (refusal != null) {
      System.err.println(refusal);
      return 2;
    }
    Running running = start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down");
      running.close();
      stopped.countDown();
    }, "brazier-shutdown"));
    stopped.await();
    return 0;
  }

  /** A started server, and what it runs on. */
  record Running(FhirServer server, PostgresStore store) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      store.close();
    }
  }

  private ExportConfig exports() {
    return new ExportConfig(exportDir == null ? dataDir.toAbsolutePath().resolve("export") : exportDir.toAbsolutePath(),
        exportFileMaxMb * 1024L * 1024, exportMaxRunning, exportTtl, exportBlob, exportContainer, exportBlobLinks,
        auth.enabled, ExportConfig.DEFAULT_PAGE, ExportConfig.DEFAULT_SYNC);
  }

  /** Starts the server as the options say. */
  Running start() {
    ServerConfig serverConfig = new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes,
        corsOrigins, lenient, conditionalDeleteMax, pageSize, maxPageSize, bundleMaxEntries, bundleMaxBytes,
        referentialIntegrity, missingReferences, exports());
    DatabaseConfig databaseConfig =
        new DatabaseConfig(dbUrl, dbUser, dbPassword, dataDir.toAbsolutePath(), dbPoolSize, statementTimeout);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);

    Fhir fhir = new Fhir(lenient);
    Database database = Database.open(databaseConfig);
    database.pool().setMetricRegistry(registry);
    PostgresStore store = new PostgresStore(database, fhir.resourceTypes()).startChangeSequencer();
    if (changesRetention != null) {
      store.keepChanges(changesRetention);
    }
    FhirServer server;
    if (auth.enabled) {
      Security security = Security.start(auth.config(dataDir.toAbsolutePath()), database.dataSource());
      server = new FhirServer(serverConfig, fhir, store, registry, security.interceptors(), security.http());
    } else {
      server = new FhirServer(serverConfig, fhir, store, registry);
      log.warn("AUTHENTICATION IS OFF: anyone who reaches http://{}:{}/fhir may read and change every resource."
          + " Start with --auth to require tokens", host, port);
    }
    return new Running(server.start(), store);
  }
}
