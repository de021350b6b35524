package io.brazier.proxy;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import io.brazier.client.FhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.access.Authorization;
import io.brazier.proxy.auth.Authentication;
import io.brazier.proxy.auth.KeySetCache;
import io.brazier.proxy.auth.LaunchEndpoints;
import io.brazier.proxy.auth.OidcIssuers;
import io.brazier.proxy.auth.TokenVerifier;
import io.brazier.proxy.isolation.CursorSeal;
import io.brazier.proxy.isolation.IdentityLinks;
import io.brazier.proxy.isolation.Isolation;
import io.brazier.proxy.isolation.ManageLinks;
import io.brazier.proxy.isolation.PagingCursors;
import io.brazier.proxy.isolation.UpstreamIsolation;
import io.brazier.proxy.token.CapabilitySecurity;
import io.brazier.proxy.token.SigningKeys;
import io.brazier.proxy.token.TokenServer;
import io.brazier.server.FhirApi;
import io.brazier.server.HttpExtension;
import io.brazier.server.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security of a FHIR server ({@code brazier serve --auth}): the interceptors that authenticate and authorize every
 * request, the routes of the built-in token server, and the {@link Guard} of the endpoints beside the FHIR API.
 * Wire it as {@code new FhirServer(config, fhir, store, registry, security.interceptors(), security.http())}.
 */
public final class Security implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Security.class);
  /** How long an issuer's keys are kept before they are fetched again. */
  private static final Duration ISSUER_KEYS_MAX_AGE = Duration.ofHours(1);
  /** The least time between two fetches of an issuer's keys for a key id not known. */
  private static final Duration UNKNOWN_KEY_REFRESH = Duration.ofMinutes(1);

  private final TokenVerifier verifier;
  private final TokenServer tokens;
  private final Guard guard;
  private final IdentityLinks links;
  private final CursorSeal cursors;
  private final IsolationConfig isolation;
  private final Supplier<Optional<LaunchEndpoints>> launch;
  private final Clock clock;

  private Security(TokenVerifier verifier, TokenServer tokens, Guard guard, IdentityLinks links, CursorSeal cursors,
      IsolationConfig isolation, Supplier<Optional<LaunchEndpoints>> launch, Clock clock) {
    this.verifier = verifier;
    this.tokens = tokens;
    this.guard = guard;
    this.links = links;
    this.cursors = cursors;
    this.isolation = isolation;
    this.launch = launch;
    this.clock = clock;
  }

  /** Migrates the proxy's tables in {@code database}, and makes the first signing key if there is none. */
  public static Security start(SecurityConfig config, DataSource database) {
    return start(config, database, Clock.systemUTC());
  }

  /**
   * As {@link #start(SecurityConfig, DataSource)}, tokens, keys and identity links expiring by {@code clock}: a test
   * moves one on by hand rather than wait for an expiry.
   */
  public static Security start(SecurityConfig config, DataSource database, Clock clock) {
    ProxySchema.migrate(database);
    ResourceRetriever http = new DefaultResourceRetriever(5_000, 5_000, 1024 * 1024);
    SigningKeys keys = new SigningKeys(database, clock, config.keyRotation(), config.tokenLifetime());
    keys.published();
    OidcIssuers discovery = new OidcIssuers(http, clock, ISSUER_KEYS_MAX_AGE);
    Map<String, JWKSource<SecurityContext>> issuers = new LinkedHashMap<>();
    for (String issuer : config.issuers()) {
      issuers.put(issuer, new KeySetCache(issuer, () -> discovery.keys(issuer), clock, ISSUER_KEYS_MAX_AGE,
          UNKNOWN_KEY_REFRESH));
    }
    // Apps sign users in at the first outside issuer that does (the SMART configuration has room for one): a
    // machine-token issuer given first does not hide the one after it. The stream stops at the first found.
    Supplier<Optional<LaunchEndpoints>> launch = () -> config.issuers().stream().map(discovery::launch)
        .flatMap(Optional::stream).findFirst();
    TokenVerifier verifier = new TokenVerifier(issuers, keys, config.audiences(), config.roleAliases(), clock);
    Guard guard = new Guard(verifier);
    TokenServer tokens = new TokenServer(new ClientsFile(config.clients()), database, keys, config.audiences(),
        config.tokenLifetime(), clock, http, launch, verifier, guard);
    log.info("Authentication on issuers={} audiences={} clients={}", config.issuers(),
        config.audiences().isEmpty() ? "the base URL" : config.audiences(), config.clients());
    log.info("Isolation on globalRoles={} consentCategory={} consentCache={}", config.isolation().globalRoles(),
        config.isolation().consentCategory(), config.isolation().consentCache());
    return new Security(verifier, tokens, guard, new IdentityLinks(database, clock), CursorSeal.of(database),
        config.isolation(), launch, clock);
  }

  /**
   * Authentication, authorization, isolation, the sealing of paging cursors and the CapabilityStatement's
   * security, in that order.
   */
  public Function<FhirApi, List<Interceptor>> interceptors() {
    return interceptors(Processors.NONE);
  }

  /**
   * The interceptors of {@link #interceptors()}, then the processor chain (see {@link Processors}), which so sees
   * requests once they are authorized and kept to their caller's reach.
   */
  public Function<FhirApi, List<Interceptor>> interceptors(Processors processors) {
    return api -> {
      Isolation isolating = new Isolation(api, links, isolation, clock);
      List<Interceptor> chain = new ArrayList<>(List.of(new Authentication(verifier), new Authorization(api),
          isolating, new PagingCursors(cursors), new CapabilitySecurity(launch)));
      if (!processors.isEmpty()) {
        chain.add(new ProcessorInterceptor(api, processors, isolating.reach()));
      }
      return chain;
    };
  }

  /**
   * Isolation in front of another FHIR server, reading what decides a caller's reach there ({@code upstream}, as
   * the proxy itself, its page links starting with {@code baseUrl}): without change notices from that server, what
   * it read is kept at most {@code --consent-cache}. Its {@link UpstreamIsolation#reach} is the processors'.
   */
  public UpstreamIsolation upstreamIsolation(FhirClient upstream, String baseUrl, Fhir fhir) {
    return new UpstreamIsolation(upstream, baseUrl, links, isolation, fhir, clock);
  }

  /**
   * The checks of the standalone proxy in front of another FHIR server: authentication and authorization, as
   * {@link #interceptors} has them, and {@code isolation}; their {@code before} steps run on every request before
   * it is forwarded.
   */
  public List<Interceptor> upstreamChecks(UpstreamIsolation isolation) {
    return List.of(new Authentication(verifier), Authorization.upstream(), isolation);
  }

  /** The token server's routes, the identity links API, and the guard of {@code /metrics}. */
  public HttpExtension http() {
    return new SecurityRoutes(tokens, new ManageLinks(links, guard, clock), guard);
  }

  /** Stops listening to changes of identity links. */
  @Override
  public void close() {
    links.close();
  }
}
