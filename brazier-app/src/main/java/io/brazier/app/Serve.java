package io.brazier.app;

import io.brazier.client.FhirClient;
import io.brazier.events.ChangeFeed;
import io.brazier.events.EventPublisher;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.loader.LoaderConfig;
import io.brazier.proxy.Processors;
import io.brazier.proxy.Security;
import io.brazier.server.Caller;
import io.brazier.server.FhirServer;
import io.brazier.server.HttpExtension;
import io.brazier.server.ImportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  @Mixin
  DatabaseOptions database;

  @Option(names = "--max-body-bytes", defaultValue = "134217728",
      description = "Largest request body accepted, after decompression; larger is a 413 (default: ${DEFAULT-VALUE})."
          + " Also what bounds a string in a body or an import line, such as an inline attachment.")
  long maxBodyBytes;

  @Option(names = "--cors-origins", split = ",", paramLabel = "ORIGIN",
      description = "Origins allowed by CORS, comma separated, or * for any (default: CORS off).")
  List<String> corsOrigins = List.of();

  @Option(names = "--lenient", defaultValue = "false",
      description = "Drop unknown elements and invalid values, and skip the checks of required elements and required"
          + " bindings, instead of rejecting the request with 400.")
  boolean lenient;

  @Option(names = "--max-index-entries", defaultValue = "100000", paramLabel = "N",
      description = "Most search index entries one resource may have; a write of more is a 422, an $import line of"
          + " more fails alone (default: ${DEFAULT-VALUE}; the most of any resource of a Synthea set was 13,983).")
  int maxIndexEntries;

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

  @Option(names = "--max-includes", defaultValue = "1000", paramLabel = "N",
      description = "Most resources _include and _revinclude add to one page of search results; the rest are paged"
          + " by the $includes operation, linked with relation 'related' (default: ${DEFAULT-VALUE}).")
  int maxIncludes;

  @Option(names = "--profile-validation-on-create",
      description = "Validate every created resource (POST) against the base definitions and the profiles of its"
          + " meta.profile, stored StructureDefinitions, as the header x-ms-profile-validation: true asks for one"
          + " request (which x-ms-profile-validation: false turns off); an invalid one, or one naming a profile not"
          + " stored, is a 422.")
  boolean profileValidationOnCreate;

  @Option(names = "--profile-validation-on-update",
      description = "As --profile-validation-on-create, for every update (PUT).")
  boolean profileValidationOnUpdate;

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

  @Option(names = "--import-dir", paramLabel = "DIR",
      description = "$import may read file: URLs below this directory, and nowhere else; a file of several hard"
          + " links is refused, so copy files in rather than link them (default: no files).")
  Path importDir;

  @Option(names = "--import-hosts", split = ",", paramLabel = "HOST[:PORT]",
      description = "$import may read http(s) URLs of these hosts, comma separated, and no others: HOST at any port,"
          + " HOST:PORT at that one (https://HOST/ is HOST:443) (default: none).")
  List<String> importHosts = List.of();

  @Option(names = "--import-blob", paramLabel = "CONNECTION_STRING",
      description = "$import reads Azure Blob URLs of this storage account with its connection string (prefer"
          + " BRAZIER_IMPORT_BLOB); Blob URLs with a SAS need no flag (default: none).")
  String importBlob;

  @Option(names = "--max-import-errors", defaultValue = "" + ImportConfig.MAX_ERRORS, paramLabel = "N",
      description = "$import reads an input no further once N of its lines failed (counted a batch of 1,000 lines at"
          + " a time): its error file ends with a line saying where it stopped and why, so that an input of garbage"
          + " does not fill the database with an OperationOutcome a line (default: ${DEFAULT-VALUE}).")
  int maxImportErrors;

  @Option(names = "--changes-retention", paramLabel = "DURATION", converter = Retention.class,
      description = "How long the change feed ($changes) keeps changes: days (30) or an ISO-8601 duration (P30D,"
          + " PT12H). Older ones are deleted hourly, and a reader asking for them gets 410 and must re-sync"
          + " (default: keep all).")
  Duration changesRetention;

  @Option(names = "--loader-dir", paramLabel = "DIR",
      description = "Also run the loader's watching service on this folder: files dropped into its bundles/,"
          + " ndjson/ and zip/ load into this server (see brazier loader --help).")
  Path loaderDir;

  @Option(names = "--loader-blob", paramLabel = "ACCOUNT",
      description = "Also run the loader's watching service on this Azure Blob account: a connection string or"
          + " the account URL with a SAS (prefer BRAZIER_LOADER_BLOB).")
  String loaderBlob;

  @Option(names = "--loader-port", defaultValue = "8082",
      description = "Port of the loader's /loader/status and /loader/bundles (default: ${DEFAULT-VALUE}).")
  int loaderPort;

  @Mixin
  ExportJobOptions loaderExports;

  @Mixin
  AuthOptions auth = new AuthOptions();

  @Mixin
  EventsOptions events;

  @Mixin
  SyncServeOptions sync;

  @Mixin
  ExportOptions export;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException, IOException {
    String refusal = auth.refusal(host, baseUrl);
    if (refusal != null) {
      System.err.println(refusal);
      return 2;
    }
    Running running;
    try {
      running = start();
    } catch (Refused e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 1;
    }
    return Stopping.closing(running::close).await();
  }

  /**
   * A started server, what it runs on, and what runs beside it (closed first, newest first). While a start fails,
   * the server may be missing: null.
   */
  record Running(FhirServer server, PostgresStore store, List<AutoCloseable> companions) implements AutoCloseable {
    @Override
    public void close() {
      List<AutoCloseable> all = new ArrayList<>(List.of(store));
      if (server != null) {
        all.add(server);
      }
      all.addAll(companions);
      for (int i = all.size() - 1; i >= 0; i--) {
        AutoCloseable part = all.get(i);
        try {
          part.close();
        } catch (Exception e) {
          log.warn("Could not stop {} cleanly", part, e);
        }
      }
    }
  }

  /** A companion that could not start, saying what to fix; what had started is stopped. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Starts the server as the options say; a start that fails stops what it had started, PostgreSQL included. */
  Running start() throws IOException {
    long began = System.nanoTime();
    Fhir fhir = new Fhir(lenient);
    Settings settings = settings(fhir); // refuses bad flags before anything starts
    // PostgreSQL starts in a process of its own while this thread builds the search machinery, from tables made at
    // build time: HAPI's model of a type is read when a request first needs it.
    OpeningDatabase opening = OpeningDatabase.begin(database.config());
    try {
      FhirSearch search = new FhirSearch(fhir);
      log.info("Search parameters read ms={}", (System.nanoTime() - began) / 1_000_000);
      Database opened = opening.await();
      log.info("Database ready ms={}", (System.nanoTime() - began) / 1_000_000);
      return startOn(opened, search, settings, began);
    } catch (IOException | RuntimeException | Error e) {
      opening.close();
      throw e;
    }
  }

  /** The store, the server and its companions on the open database; when one fails, those started are stopped. */
  private Running startOn(Database opened, FhirSearch search, Settings settings, long began) throws IOException {
    PrometheusMeterRegistry registry = registry();
    opened.pool().setMetricRegistry(registry);
    PostgresStore store = new PostgresStore(opened, search.fhir().resourceTypes()).startChangeSequencer();
    FhirServer server = null;
    List<AutoCloseable> companions = new ArrayList<>();
    try {
      if (changesRetention != null) {
        store.keepChanges(changesRetention);
      }
      server = server(opened, search, store, registry, settings, companions);
      log.info("FHIR API built ms={}", (System.nanoTime() - began) / 1_000_000);
      server.start();
      startCompanions(server, search.fhir(), opened, registry, settings, companions);
      log.info("Brazier started ms={} sinceJvmStartMs={}", (System.nanoTime() - began) / 1_000_000,
          ManagementFactory.getRuntimeMXBean().getUptime());
      return new Running(server, store, companions);
    } catch (IOException | RuntimeException | Error e) {
      new Running(server, store, companions).close();
      throw e;
    }
  }

  /** The FHIR server, secured when --auth asks (its security then a companion), not yet listening. */
  private FhirServer server(Database opened, FhirSearch search, PostgresStore store,
      PrometheusMeterRegistry registry, Settings settings, List<AutoCloseable> companions) {
    ServerConfig serverConfig = settings.server();
    if (auth.enabled) {
      Security security =
          Security.start(auth.config(database.dataDir.toAbsolutePath(), baseUrl), opened.dataSource());
      companions.add(security); // its identity-link listener holds a connection of the pool until closed
      return new FhirServer(serverConfig, search, store, registry, security.interceptors(settings.processors()),
          security.http());
    }
    log.warn("AUTHENTICATION IS OFF: anyone who reaches http://{}:{}/fhir may read and change every resource."
        + " Start with --auth to require tokens", host, port);
    return new FhirServer(serverConfig, search, store, registry, api -> List.of(), HttpExtension.NONE);
  }

  /** The event publisher, the watching loader and the sync agent, as the flags ask. */
  private void startCompanions(FhirServer server, Fhir fhir, Database opened, PrometheusMeterRegistry registry,
      Settings settings, List<AutoCloseable> companions) throws IOException {
    if (events.enabled()) {
      EventPublisher publisher = events.start(fhir, ChangeFeed.inProcess(server.api(), relativeOr(baseUrl)),
          DatabaseOptions.unpooled(opened), registry);
      server.healthCheck("events", publisher::problem);
      companions.add(publisher);
    }
    if (loaderDir != null || loaderBlob != null) {
      // In process, as a system of this server: its writes say meta.source urn:brazier:loader, and need no token.
      FhirClient target = server.api().client(Caller.system("urn:brazier:loader"), relativeOr(baseUrl));
      companions.add(WatchingLoader.start(target, LoaderConfig.defaults(), loaderDir, loaderBlob, host, loaderPort,
          registry, settings.loaderLimits()));
    }
    if (sync.enabled) {
      try {
        companions.add(sync.start(server, fhir, settings.server(), opened, registry));
      } catch (IOException | RuntimeException e) {
        throw new Refused("brazier serve --sync: " + e.getMessage());
      }
    }
  }

  /** What the flags say, checked before anything starts. */
  private record Settings(ServerConfig server, Processors processors, WatchingLoader.ExportLimits loaderLimits) {}

  private Settings settings(Fhir fhir) {
    ServerConfig serverConfig = Usage.checked(spec, () -> ServerConfig.builder().host(host).port(port)
        .baseUrl(baseUrl).trustForwardedHeaders(trustForwardedHeaders).maxBodyBytes(maxBodyBytes)
        .maxIndexEntries(maxIndexEntries).corsOrigins(corsOrigins).lenient(lenient)
        .conditionalDeleteMax(conditionalDeleteMax).pageSize(pageSize).maxPageSize(maxPageSize)
        .bundleMaxEntries(bundleMaxEntries).bundleMaxBytes(bundleMaxBytes).referentialIntegrity(referentialIntegrity)
        .missingReferences(missingReferences)
        .imports(new ImportConfig(importDir == null ? null : importDir.toAbsolutePath(), importHosts, importBlob,
            maxImportErrors))
        .exports(export.config(database.dataDir, auth.enabled)).maxIncludes(maxIncludes)
        .profileValidation(new ServerConfig.ProfileValidation(profileValidationOnCreate, profileValidationOnUpdate))
        .build());
    if (events.enabled()) {
      events.config(fhir);
    }
    if (sync.enabled) {
      Usage.checked(spec, sync::config);
    }
    return new Settings(serverConfig, auth.enabled ? processors(fhir) : Processors.NONE, loaderExports.limits());
  }

  private static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /** The processor chain the flags name; a name or setting it refuses stops the start with its sentence. */
  private Processors processors(Fhir fhir) {
    try {
      return Processors.load(auth.processors(), fhir);
    } catch (IllegalArgumentException e) {
      throw new Refused("brazier serve: " + e.getMessage());
    }
  }

  /** The base URL the server's answers give, or "" for links relative to the base. */
  private static String relativeOr(String baseUrl) {
    return baseUrl == null ? "" : baseUrl;
  }
}
