package io.brazier.server;

import io.brazier.client.FhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.interaction.EntryRouter;
import io.brazier.server.operation.RequestsInFlight;
import io.brazier.store.Store;
import io.brazier.store.StoreFailure;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR API in process: the one way into the server. The HTTP adapter, every entry of a batch or transaction and
 * every module of this process (the proxy, the loader, the sync agent) send their requests here. A request is routed,
 * passed through the interceptors, answered by its interaction, and every failure becomes the OperationOutcome
 * response HTTP sends: {@link #handle} never throws.
 */
public final class FhirApi {
  private static final Logger log = LoggerFactory.getLogger(FhirApi.class);

  private final Fhir fhir;
  private final Routes routes;
  private final Store store;
  private final List<Interceptor> interceptors;
  private final RequestsInFlight inFlight = new RequestsInFlight();

  /** @param interceptors run around every interaction in this order (their {@code after} steps in reverse) */
  public FhirApi(Fhir fhir, Store store, ServerConfig config, List<Interceptor> interceptors) {
    this(fhir, store, config, api -> interceptors);
  }

  /**
   * @param interceptors makes the interceptors, given this API for the requests of their own they send (an
   *     authorization check that searches, say); they run in the order of the list
   */
  public FhirApi(Fhir fhir, Store store, ServerConfig config, Function<FhirApi, List<Interceptor>> interceptors) {
    this(new FhirSearch(fhir), store, config, interceptors);
  }

  /** @param search the search machinery, built ahead; this API's own, as it follows the stored SearchParameters */
  FhirApi(FhirSearch search, Store store, ServerConfig config, Function<FhirApi, List<Interceptor>> interceptors) {
    this.fhir = search.fhir();
    store.answerParameters(search.parameters()::rowCodes);
    this.routes = new Routes(search, store, config, new Entries());
    this.store = store;
    this.interceptors = List.copyOf(interceptors.apply(this));
  }

  /**
   * This API as a FHIR client for another module of this process: its calls are requests from {@code caller}
   * (a {@link Caller#system} names what it writes in {@code meta.source}), answered with the bytes HTTP would send.
   *
   * @param baseUrl the server's base URL as clients know it, written into Location, fullUrl and links ("" for
   *     relative ones)
   */
  public FhirClient client(Caller caller, String baseUrl) {
    return new InProcessClient(this, fhir, caller, baseUrl, null);
  }

  /**
   * This API as a FHIR client for a module that asks on a caller's behalf (the proxy's processors): its calls are
   * requests from {@code caller} kept to {@code restriction} (null: none), the part of the data the original
   * caller may reach.
   */
  public FhirClient client(Caller caller, String baseUrl, Restriction restriction) {
    return new InProcessClient(this, fhir, caller, baseUrl, restriction);
  }

  /** Answers a request: its interaction's answer, or the OperationOutcome of why it failed. */
  public FhirResponse handle(FhirRequest request) {
    inFlight.begin();
    try {
      return respond(request);
    } finally {
      inFlight.end();
    }
  }

  private FhirResponse respond(FhirRequest request) {
    FhirRequest current = request;
    String name = "unknown";
    FhirResponse response;
    try {
      Route route = routes.route(request);
      current = request.routed(route.interaction(), route.operation());
      Intercepted ready = intercept(current, route);
      current = ready.request();
      name = ready.route().name();
      response = after(current, answer(ready.route(), current));
    } catch (InterceptorAnswer answer) {
      current = answer.request();
      name = "interceptor";
      response = after(current, answer.response());
    } catch (RuntimeException | StackOverflowError e) {
      response = after(current, failure(e, current));
    }
    return response.answeredBy(name);
  }

  private static FhirResponse answer(Route route, FhirRequest request) {
    try {
      return route.handler().handle(request);
    } catch (RuntimeException | StackOverflowError e) {
      // A stack overflow has unwound by the time it is caught: the request failed, the server is fine.
      return failure(e, request);
    }
  }

  /** A request and where it goes once every interceptor's {@code before} step has run. */
  private record Intercepted(FhirRequest request, Route route) {}

  /** Runs the {@code before} steps; a request they send elsewhere (another path or method) is routed again. */
  private Intercepted intercept(FhirRequest routed, Route route) {
    FhirRequest changed = routed;
    for (Interceptor interceptor : interceptors) {
      changed = interceptor.before(changed);
    }
    boolean sameTarget = routed.method().equals(changed.method()) && routed.segments().equals(changed.segments());
    Route target = sameTarget ? route : routes.route(changed);
    return new Intercepted(changed.routed(target.interaction(), target.operation()), target);
  }

  /** Runs the {@code after} steps, in reverse order; one that fails answers with its failure to the ones before it. */
  private FhirResponse after(FhirRequest request, FhirResponse response) {
    FhirResponse changed = response;
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      try {
        changed = interceptors.get(i).after(request, changed);
      } catch (RuntimeException e) {
        changed = failure(e, request);
      }
    }
    return changed;
  }

  /** A failure as the client sees it: the status and OperationOutcome it names, or a 503 or 500 that says why. */
  static FhirResponse failure(Throwable e, FhirRequest request) {
    if (e instanceof FhirException fhir) {
      FhirResponse response = FhirResponse.of(fhir.status(), fhir.outcome());
      fhir.headers().forEach(response::header);
      return response;
    }
    if (e instanceof StoreFailure store && store.isUnavailable()) {
      log.warn("Database unavailable method={} path={}: {}", request.method(), path(request), e.getMessage());
      return FhirResponse.of(503, Outcomes.error(IssueType.TRANSIENT, "The database is unavailable; retry later."));
    }
    if (e instanceof StoreFailure store && store.isTimeout()) {
      log.warn("Request ran past the statement timeout method={} path={}", request.method(), path(request));
      return FhirResponse.of(503, Outcomes.error(IssueType.TIMEOUT,
          "The request took longer than the database statement timeout allows; narrow it or retry later."));
    }
    String incident = UUID.randomUUID().toString();
    log.error("Request failed incident={} method={} path={}", incident, request.method(), path(request), e);
    return FhirResponse.of(500, Outcomes.error(IssueType.EXCEPTION, "Internal error, incident " + incident));
  }

  private static String path(FhirRequest request) {
    return "/" + String.join("/", request.segments());
  }

  /**
   * Calls {@code listener} with the resource types of committed changes, so that what a module keeps in memory (the
   * proxy's consents) follows what any node writes: this node's own commits before their writes answer, every other
   * node's soon after they commit, and every type when notices may have been lost (see {@code Store.onChanges}).
   *
   * @return what stops the calls
   */
  public Runnable onChanges(Consumer<Set<String>> listener) {
    return store.onChanges(listener);
  }

  /**
   * Loads what requests would otherwise wait for, once none is being answered, and starts the job runner: once the
   * server listens.
   */
  void warmUp() {
    routes.warmUp(inFlight);
  }

  /** Stops the job runner: a running job is queued again for another node (or this one, restarted). */
  void close() {
    routes.close();
  }

  /** Bundle entries: routed, intercepted and answered as requests of their own. */
  private final class Entries implements EntryRouter {
    @Override
    public Routed route(FhirRequest entry) {
      Route route = routes.route(entry);
      Intercepted ready = intercept(entry.routed(route.interaction(), route.operation()), route);
      return new Routed(ready.request(), ready.route().handler());
    }

    @Override
    public FhirResponse answered(FhirRequest entry, FhirResponse response) {
      return after(entry, response);
    }
  }
}
