package io.brazier.server;

import io.brazier.client.RequestHeaders;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.http.HealthChecks;
import io.brazier.server.http.HttpBodies;
import io.brazier.server.http.ProtocolErrors;
import io.brazier.server.http.Queries;
import io.brazier.server.http.Rendering;
import io.brazier.store.Store;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The FHIR REST API over HTTP: {@code /fhir} for FHIR, {@code /healthz} and {@code /metrics} for operators. It
 * adapts HTTP to {@link FhirApi}, which answers every failure with an OperationOutcome, and renders the answers.
 */
public final class FhirServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FhirServer.class);
  /** Where the FHIR API is served, below the server's root. */
  public static final String BASE = "/fhir";
  private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");
  private static final List<HandlerType> METHODS =
      List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST, HandlerType.PUT, HandlerType.DELETE,
          HandlerType.PATCH);

  private final ServerConfig config;
  private final Store store;
  private final FhirApi api;
  private final Rendering rendering;
  private final Metrics metrics;
  private final Javalin app;
  private final HealthChecks healthChecks = new HealthChecks();

  public FhirServer(ServerConfig config, Fhir fhir, Store store, PrometheusMeterRegistry registry) {
    this(config, fhir, store, registry, List.of());
  }

  /** @param interceptors run around every interaction, in this order: see {@link Interceptor} */
  public FhirServer(ServerConfig config, Fhir fhir, Store store, PrometheusMeterRegistry registry,
      List<Interceptor> interceptors) {
    this(config, fhir, store, registry, api -> interceptors, HttpExtension.NONE);
  }

  /**
   * @param interceptors makes the interceptors that run around every interaction, in the order of the list (see
   *     {@link Interceptor}), given the API they may send requests of their own to
   * @param extension serves its routes beside the FHIR API and guards the operator endpoints
   */
  public FhirServer(ServerConfig config, Fhir fhir, Store store, PrometheusMeterRegistry registry,
      Function<FhirApi, List<Interceptor>> interceptors, HttpExtension extension) {
    this(config, new FhirSearch(fhir), store, registry, interceptors, extension);
  }

  /**
   * As above, with the search machinery built ahead: building it (the R4 search parameters read) takes a second
   * that a start can spend while its database starts. It becomes this server's own: it follows the SearchParameter
   * resources stored in {@code store}.
   */
  public FhirServer(ServerConfig config, FhirSearch search, Store store, PrometheusMeterRegistry registry,
      Function<FhirApi, List<Interceptor>> interceptors, HttpExtension extension) {
    Fhir fhir = search.fhir();
    this.config = config;
    this.store = store;
    healthChecks.add("database", () -> store.healthy() ? null : "unreachable");
    this.api = new FhirApi(search, store, config, interceptors);
    this.rendering = new Rendering(fhir);
    this.metrics = new Metrics(registry);
    this.app = Javalin.create(javalin -> {
      javalin.startup.showJavalinBanner = false;
      javalin.jetty.host = config.host();
      javalin.jetty.port = config.port();
      javalin.jetty.modifyServer(server -> server.setErrorHandler(new ProtocolErrors(fhir)));
      javalin.http.maxRequestSize = config.maxBodyBytes();
      javalin.http.compressionStrategy = CompressionStrategy.GZIP;
      javalin.http.prefer405over404 = true;
      if (!config.corsOrigins().isEmpty()) {
        javalin.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
          if (config.corsOrigins().contains("*")) {
            rule.anyHost();
          } else {
            config.corsOrigins().forEach(origin -> rule.allowHost(origin));
          }
          List.of("ETag", "Location", "Content-Location", "Last-Modified", "X-Request-Id")
              .forEach(rule::exposeHeader);
        }));
      }
      javalin.requestLogger.http(this::logRequest);
      javalin.routes.before(this::tagRequest);
      extension.addRoutes(javalin.routes, this::baseUrl);
      for (HandlerType method : METHODS) {
        javalin.routes.addHttpHandler(method, BASE, this::fhir);
        javalin.routes.addHttpHandler(method, BASE + "/*", this::fhir);
      }
      javalin.routes.get("/healthz", healthChecks::answer);
      javalin.routes.get("/metrics", ctx -> {
        extension.checkOperator(ctx, baseUrl(ctx));
        ctx.contentType("text/plain; version=0.0.4").result(registry.scrape());
      });
      // What FhirApi answers has no exception left; these are for requests refused before they reach it.
      javalin.routes.exception(FhirException.class, (e, ctx) -> writeOutcome(ctx, e.status(), e.outcome()));
      javalin.routes.exception(Exception.class, this::failed);
      javalin.routes.error(404, ctx -> notFoundOrNotAllowed(ctx, 404));
      javalin.routes.error(405, ctx -> notFoundOrNotAllowed(ctx, 405));
    });
  }

  public FhirServer start() {
    app.start();
    log.info("FHIR server listening url=http://{}:{}{}", config.host(), port(), BASE);
    api.warmUp(); // only now, so that it does not slow the start
    return this;
  }

  public int port() {
    return app.port();
  }

  /**
   * Makes {@code /healthz} answer 503 while {@code problem} names one (the event publisher's broker away too long),
   * as {@code {"status":"DOWN","<name>":"<problem>"}}; null means fine.
   */
  public FhirServer healthCheck(String name, Supplier<String> problem) {
    healthChecks.add(name, problem);
    return this;
  }

  /** The in-process FHIR API: what HTTP requests go through, without the network. */
  public FhirApi api() {
    return api;
  }

  private void tagRequest(Context ctx) {
    String requestId = ctx.header("X-Request-Id");
    // A client's id goes into every log line of the request: printable ASCII without spaces, or one of ours.
    if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
      requestId = UUID.randomUUID().toString();
    }
    ctx.attribute("requestId", requestId);
    ctx.header("X-Request-Id", requestId);
    MDC.put("requestId", requestId);
  }

  private void fhir(Context ctx) {
    // Named before parsing, so that a request refused before it reaches an interaction is counted too.
    ctx.attribute("interaction", "unknown");
    FhirRequest request = request(ctx);
    FhirResponse response = api.handle(request);
    ctx.attribute("interaction", response.answeredBy());
    write(ctx, request, response);
  }

  private FhirRequest request(Context ctx) {
    String path = ctx.path();
    List<String> segments = path.length() > BASE.length() ? Queries.segments(path.substring(BASE.length()))
        : List.of();
    byte[] body = HttpBodies.read(ctx.bodyInputStream(), ctx.header("Content-Encoding"), ctx.contentLength(),
        config.maxBodyBytes());
    // Not Javalin's queryParamMap: it drops a pair with a broken percent escape, and so widens a search or a
    // conditional delete to what the client did not ask for.
    return new FhirRequest(ctx.method().name(), segments, Queries.parse(ctx.queryString()),
        RequestHeaders.of(ctx.req()::getHeaders), body, baseUrl(ctx));
  }

  private String baseUrl(Context ctx) {
    if (config.baseUrl() != null) {
      return config.baseUrl();
    }
    String scheme = ctx.scheme();
    String host = ctx.host();
    if (config.trustForwardedHeaders()) {
      scheme = first(ctx.header("X-Forwarded-Proto"), scheme);
      host = first(ctx.header("X-Forwarded-Host"), host);
    }
    return scheme + "://" + host + BASE;
  }

  private static String first(String header, String fallback) {
    return header == null || header.isBlank() ? fallback : header.split(",")[0].trim();
  }

  private void write(Context ctx, FhirRequest request, FhirResponse response) {
    ctx.status(response.status());
    response.headers().forEach(ctx::header);
    if (!response.hasBody()) {
      ctx.res().setContentType(null); // Javalin's default (text/plain) would type a body that is not there
      return;
    }
    // A HEAD's body is written as a GET's, for the same headers (length, encoding): Jetty sends none of it.
    ctx.contentType(response.contentType() != null ? response.contentType()
        : request.responseFormat().mediaType() + ";charset=utf-8");
    if (response.stream() != null) {
      stream(ctx, request, response);
    } else {
      ctx.result(rendering.render(request, response));
    }
  }

  /** Writes a streamed body as it goes; a source that fails before its first byte is answered as any failure. */
  private void stream(Context ctx, FhirRequest request, FhirResponse response) {
    StreamedAnswer.send(ctx, ctx::outputStream, response.stream(),
        failure -> write(ctx, request, FhirApi.failure(failure, request)));
  }

  private void writeOutcome(Context ctx, int status, OperationOutcome outcome) {
    // An outcome is rendered whole, in the client's format: _summary or _elements would strip its issues.
    Map<String, List<String>> query = Queries.parse(ctx.queryString());
    query.keySet().retainAll(Set.of("_format", "_pretty"));
    FhirRequest request;
    try {
      request = new FhirRequest(ctx.method().name(), List.of(), query, RequestHeaders.of(ctx.req()::getHeaders), null,
          "");
    } catch (FhirException e) {
      // The client's own format negotiation is broken: answer in JSON.
      request = new FhirRequest(ctx.method().name(), List.of(), Map.of(), name -> null, null, "");
    }
    ctx.status(status);
    ctx.contentType(request.responseFormat().mediaType() + ";charset=utf-8");
    ctx.result(rendering.render(request, FhirResponse.of(status, outcome)));
  }

  /** Answers Javalin's own 404s and 405s (paths outside the FHIR base); the FHIR routes have answered theirs. */
  private void notFoundOrNotAllowed(Context ctx, int status) {
    String answered = ctx.res().getContentType();
    if (answered == null || !answered.contains("fhir+")) {
      String message = status == 404 ? "Nothing is served at " + ctx.path() + "; the FHIR API is at " + BASE + "."
          : ctx.method() + " is not allowed on " + ctx.path() + ".";
      writeOutcome(ctx, status, Outcomes.error(status == 404 ? IssueType.NOTFOUND : IssueType.NOTSUPPORTED, message));
    }
  }

  private void failed(Exception e, Context ctx) {
    String incident = UUID.randomUUID().toString();
    log.error("Request failed incident={} method={} path={}", incident, ctx.method(), ctx.path(), e);
    writeOutcome(ctx, 500, Outcomes.error(IssueType.EXCEPTION, "Internal error, incident " + incident));
  }

  private void logRequest(Context ctx, Float millis) {
    String interaction = ctx.attribute("interaction");
    if (interaction != null) {
      metrics.record(interaction, ctx.status().getCode(), millis);
    }
    log.info("{} {} status={} ms={} interaction={} requestId={}", ctx.method(), ctx.path(), ctx.status().getCode(),
        Math.round(millis * 10) / 10.0, interaction, ctx.<String>attribute("requestId"));
    MDC.remove("requestId");
  }

  @Override
  public void close() {
    app.stop();
    api.close();
  }
}
