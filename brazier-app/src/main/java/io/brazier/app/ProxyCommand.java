package io.brazier.app;

import io.brazier.client.ClientCredentials;
import io.brazier.events.ResponsePublisher;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.Processors;
import io.brazier.proxy.Security;
import io.brazier.proxy.StandaloneProxy;
import io.brazier.proxy.UpstreamConfig;
import io.brazier.proxy.upstream.Upstream.RetryPolicy;
import io.brazier.store.sql.Database;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brazier proxy}: the security of {@code serve --auth} in front of any FHIR R4 server. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
        "Stands in front of any FHIR R4 server (Brazier, HAPI, Azure API for FHIR) at http://<host>:<port>/fhir:"
            + " checks each caller's bearer token and rights as serve --auth does, then forwards to --upstream with"
            + " the proxy's own identity (never the caller's token).",
        "It serves the same token server (/oauth2/token, see 'brazier clients') and keeps its keys and identity"
            + " links in PostgreSQL (embedded in --data-dir unless --db-url is given)."},
    sortOptions = false)
final class ProxyCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (upstream=..., port=8081). Env: BRAZIER_CONFIG.")
  Path config;

  @Option(names = "--upstream", required = true, paramLabel = "URL",
      description = "The FHIR base URL of the server behind the proxy, e.g. https://fhir.example.com/fhir.")
  URI upstream;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for the network).")
  String host;

  @Option(names = "--port", defaultValue = "8081", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "The proxy's FHIR base URL as clients know it, written in place of the upstream's in answers"
          + " (default: from each request).")
  String baseUrl;

  @Option(names = "--trusted-proxies", split = ",", paramLabel = "ADDRESS|CIDR",
      description = "Believe X-Forwarded-For/-Host/-Proto only from these addresses or ranges, comma separated,"
          + " e.g. 10.0.0.0/8 (default: from no one).")
  List<String> trustedProxies = List.of();

  @Option(names = "--upstream-token-url", paramLabel = "URL",
      description = "OAuth2 token endpoint where the proxy gets its own client-credentials tokens for the upstream"
          + " (default: the upstream gets no token).")
  URI upstreamTokenUrl;

  @Option(names = "--upstream-client-id", description = "The proxy's OAuth2 client id at the upstream.")
  String upstreamClientId;

  @Option(names = "--upstream-client-secret",
      description = "The proxy's OAuth2 client secret (prefer BRAZIER_UPSTREAM_CLIENT_SECRET).")
  String upstreamClientSecret;

  @Option(names = "--upstream-scope", description = "OAuth2 scope to ask for, e.g. https://fhir.example/.default.")
  String upstreamScope;

  @Option(names = "--upstream-resource",
      description = "Azure AD v1 resource (audience) to ask for, instead of --upstream-scope.")
  String upstreamResource;

  @Option(names = "--upstream-timeout", defaultValue = "PT60S", paramLabel = "DURATION",
      description = "Longest wait for the upstream's answer to begin; then 504 (default: ${DEFAULT-VALUE}).")
  Duration upstreamTimeout;

  @Option(names = "--upstream-max-retries", defaultValue = "3", paramLabel = "N",
      description = "Retries of a GET, HEAD, PUT or DELETE the upstream answers 429 or 503; never of a POST or"
          + " PATCH (default: ${DEFAULT-VALUE}).")
  int maxRetries;

  @Option(names = "--upstream-retry-pause", defaultValue = "PT0.2S", paramLabel = "DURATION",
      description = "First pause before a retry when the upstream gives no Retry-After, doubled each time"
          + " (default: ${DEFAULT-VALUE}).")
  Duration retryPause;

  @Option(names = "--upstream-max-retry-wait", defaultValue = "PT10S", paramLabel = "DURATION",
      description = "Longest Retry-After the proxy waits out itself; a longer one goes back to the client"
          + " (default: ${DEFAULT-VALUE}).")
  Duration maxRetryWait;

  @Option(names = "--max-body-bytes", defaultValue = "134217728",
      description = "Largest PUT or DELETE body, held to be sent again, and any body of a caller kept to some"
          + " patients, held to be checked; other POST and PATCH bodies stream through; 1 to 2147483638"
          + " (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Mixin
  SecurityOptions security = new SecurityOptions();

  @Mixin
  ProcessorOptions processors = new ProcessorOptions();

  @Mixin
  EventsOptions events = new EventsOptions();

  @Mixin
  DatabaseOptions database;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    return Stopping.closing(start()::close).await();
  }

  /** Starts the proxy as the options say; a start that fails stops what it had started, PostgreSQL included. */
  Running start() {
    UpstreamConfig upstreamConfig = Usage.checked(spec, this::config);
    var securityConfig = Usage.checked(spec, () -> security.config(database.dataDir.toAbsolutePath(), baseUrl));
    Fhir fhir = new Fhir(false);
    Processors chain = Usage.checked(spec, () -> Processors.load(processors.config(), fhir));
    ResponsePublisher publisher = events.enabled() ? events.responsePublisher(fhir) : null;
    if (publisher != null) {
      chain = chain.followedBy(new PublishedAnswers(fhir, publisher));
    }
    Database opened = Database.open(database.config());
    Security started = null;
    StandaloneProxy proxy;
    try {
      started = Security.start(securityConfig, opened.dataSource());
      proxy = StandaloneProxy.start(upstreamConfig, fhir, started, chain);
    } catch (RuntimeException e) {
      new Running(null, started, publisher, opened).close();
      throw e;
    }
    if (publisher != null) {
      proxy.healthCheck("events", publisher::problem);
    }
    return new Running(proxy, started, publisher, opened);
  }

  /**
   * A started proxy and what it runs on, stopped in this order: the proxy, its security (whose identity-link
   * notices hold a connection of the pool), the publisher, then the database, which nothing else stops when it is
   * the embedded PostgreSQL (see DatabaseOptions). While a start fails, the proxy, security and publisher may be
   * missing: null.
   */
  record Running(StandaloneProxy proxy, Security security, ResponsePublisher publisher, Database database)
      implements AutoCloseable {
    @Override
    public void close() {
      if (proxy != null) {
        proxy.close();
      }
      if (security != null) {
        security.close();
      }
      if (publisher != null) {
        publisher.close();
      }
      database.close();
    }
  }

  UpstreamConfig config() {
    return new UpstreamConfig(upstream, host, port, baseUrl, credentials(), trustedProxies,
        new RetryPolicy(maxRetries, retryPause, maxRetryWait), upstreamTimeout, maxBodyBytes);
  }

  private Optional<ClientCredentials.Config> credentials() {
    if (upstreamTokenUrl == null) {
      if (upstreamClientId != null || upstreamClientSecret != null || upstreamScope != null
          || upstreamResource != null) {
        throw new IllegalArgumentException("--upstream-client-id, --upstream-client-secret, --upstream-scope and"
            + " --upstream-resource need --upstream-token-url, the OAuth2 token endpoint");
      }
      return Optional.empty();
    }
    try {
      return Optional.of(new ClientCredentials.Config(upstreamTokenUrl, upstreamClientId, upstreamClientSecret,
          upstreamScope, upstreamResource));
    } catch (IllegalArgumentException e) {
      // The credentials' own sentence names the loader's flags: say it with the proxy's.
      throw new IllegalArgumentException(e.getMessage().replace("--token-url", "--upstream-token-url")
          .replace("--client-", "--upstream-client-").replace("--scope", "--upstream-scope")
          .replace("--resource", "--upstream-resource"));
    }
  }
}
