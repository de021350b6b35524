package io.brazier.proxy;

import io.brazier.client.ClientCredentials;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.proxy.isolation.UpstreamIsolation;
import io.brazier.proxy.upstream.Forwarding;
import io.brazier.proxy.upstream.ProxyAddress;
import io.brazier.proxy.upstream.ProxyEndpoint;
import io.brazier.proxy.upstream.TrustedProxies;
import io.brazier.proxy.upstream.Upstream;
import io.brazier.server.http.HealthChecks;
import io.brazier.server.http.ProtocolErrors;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code brazier proxy}: the security of {@code serve --auth} in front of any FHIR R4 server. It serves the token
 * server's routes as {@code serve --auth} does, and forwards {@code /fhir/*} to the upstream once the caller's token
 * and rights are checked, with its own identity towards the upstream (never the caller's token).
 */
public final class StandaloneProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StandaloneProxy.class);
  private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST,
      HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

  private final Javalin app;
  private final UpstreamConfig config;
  private final Upstream upstream;
  private final HealthChecks healthChecks;

  private StandaloneProxy(Javalin app, UpstreamConfig config, Upstream upstream, HealthChecks healthChecks) {
    this.app = app;
    this.config = config;
    this.upstream = upstream;
    this.healthChecks = healthChecks;
  }

  /**
   * Listens, as {@code config} says, with {@code security}'s checks and routes, and {@code processors} around each
   * request to the upstream.
   */
  public static StandaloneProxy start(UpstreamConfig config, Fhir fhir, Security security, Processors processors) {
    Upstream upstream = new Upstream(config.upstream(),
        config.credentials().map(credentials -> new ClientCredentials(credentials, Clock.systemUTC())),
        config.retries(), config.timeout());
    ProxyAddress address = new ProxyAddress(config.baseUrl(), new TrustedProxies(config.trustedProxies()));
    Forwarding forwarding = new Forwarding(upstream);
    UpstreamIsolation isolation = security.upstreamIsolation(forwarding.asProxy(fhir), upstream.base(), fhir);
    ProxyEndpoint endpoint = new ProxyEndpoint(fhir, security.upstreamChecks(isolation), isolation, forwarding,
        processors, address, config.maxBufferedBytes());
    HealthChecks healthChecks = new HealthChecks();
    Javalin app = Javalin.create(javalin -> {
      javalin.startup.showJavalinBanner = false;
      javalin.jetty.host = config.host();
      javalin.jetty.port = config.port();
      javalin.jetty.modifyServer(server -> server.setErrorHandler(new ProtocolErrors(fhir)));
      security.http().addRoutes(javalin.routes, address::baseUrl);
      for (HandlerType method : METHODS) {
        javalin.routes.addHttpHandler(method, ProxyEndpoint.BASE, endpoint::handle);
        javalin.routes.addHttpHandler(method, ProxyEndpoint.BASE + "/*", endpoint::handle);
      }
      javalin.routes.get("/healthz", healthChecks::answer);
      javalin.routes.exception(FhirException.class, (e, ctx) -> outcome(fhir, ctx, e.status(), e.outcome()));
      javalin.routes.exception(Exception.class, (e, ctx) -> {
        String incident = UUID.randomUUID().toString();
        log.error("Request failed incident={} method={} path={}", incident, ctx.method(), ctx.path(), e);
        outcome(fhir, ctx, 500, Outcomes.error(IssueType.EXCEPTION, "Internal error, incident " + incident));
      });
    });
    app.start();
    log.info("FHIR proxy listening url=http://{}:{}{} upstream={} upstreamToken={}", config.host(), app.port(),
        ProxyEndpoint.BASE, upstream.base(), config.credentials().isPresent() ? "client credentials" : "none");
    return new StandaloneProxy(app, config, upstream, healthChecks);
  }

  private static void outcome(Fhir fhir, Context ctx, int status, OperationOutcome outcome) {
    ctx.status(status).contentType("application/fhir+json;charset=utf-8")
        .result(fhir.jsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Makes {@code /healthz} answer 503 while {@code problem} names one (the events broker away too long), as
   * {@code {"status":"DOWN","<name>":"<problem>"}}; null means fine. The upstream is not asked: a request it
   * cannot answer is a 502 or 504 of its own, and an upstream away would take every proxy before it out at once.
   */
  public StandaloneProxy healthCheck(String name, Supplier<String> problem) {
    healthChecks.add(name, problem);
    return this;
  }

  public int port() {
    return app.port();
  }

  /** The proxy's FHIR base URL on this machine ({@code http://127.0.0.1:8081/fhir}). */
  public String baseUrl() {
    return "http://" + config.host() + ":" + port() + ProxyEndpoint.BASE;
  }

  @Override
  public void close() {
    app.stop();
    upstream.close();
  }
}
