package io.brazier.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP side of a process that is not a FHIR server (the loader, the event publisher, the sync agent): the
 * JDK's own HTTP server on {@code host:port}, routes {@code "METHOD /path"} to handlers, answers JSON or text. A route
 * whose last segment is a placeholder ({@code "GET /jobs/{id}"}) matches any path below its prefix, the rest being
 * {@link Exchange#tail()}. Anything else is a JSON 404 naming the routes; an {@link IllegalArgumentException} is a
 * 400 with its message, any other failure a 500 with an incident id that the log repeats.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String JSON_TYPE = "application/json";

  /** Answers one route's requests. */
  @FunctionalInterface
  public interface Handler {
    void handle(Exchange exchange) throws IOException;
  }

  private final String name;
  private final Map<String, Handler> routes;
  private final HttpServer server;
  private final ExecutorService threads;

  /**
   * @param name names its threads ({@code name-http-1}) and its log lines
   * @param threads how many requests it answers at once
   * @param routes {@code "GET /healthz"} to its handler
   */
  public StatusServer(String name, String host, int port, int threads, Map<String, Handler> routes)
      throws IOException {
    routes.keySet().forEach(StatusServer::checkRoute);
    this.name = name;
    this.routes = Map.copyOf(routes);
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    this.threads = Executors.newFixedThreadPool(threads, daemons(name + "-http"));
    server.setExecutor(this.threads);
    server.createContext("/", this::handle);
  }

  /** A {@code GET /metrics} handler: the Prometheus text these meters scrape to. */
  public static Handler prometheus(Supplier<String> scrape) {
    return exchange -> exchange.answer(200, "text/plain; version=0.0.4", scrape.get());
  }

  /** A {@code GET /healthz} handler for a process that is up whenever it answers. */
  public static Handler up() {
    return exchange -> exchange.answer(200, JSON_TYPE, "{\"status\":\"UP\"}");
  }

  public StatusServer start() {
    server.start();
    return this;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port} and this path, for the log line that says where it listens. */
  public String url(String path) {
    return "http://" + server.getAddress().getHostString() + ":" + port() + path;
  }

  private void handle(HttpExchange http) throws IOException {
    try (http) {
      String route = http.getRequestMethod() + " " + http.getRequestURI().getPath();
      String key = routes.containsKey(route) ? route : placeholderRoute(route);
      if (key == null) {
        new Exchange(http, "").error(404, "Nothing is served at " + route + "; try " + routeList() + ".");
        return;
      }
      String tail = key.endsWith("}") ? route.substring(prefix(key).length()) : "";
      answer(route, routes.get(key), new Exchange(http, tail));
    }
  }

  private void answer(String route, Handler handler, Exchange exchange) throws IOException {
    try {
      handler.handle(exchange);
    } catch (IllegalArgumentException e) {
      exchange.fail(400, e.getMessage(), e);
    } catch (RuntimeException e) {
      String incident = UUID.randomUUID().toString();
      log.error("{} request failed incident={} route={}", name, incident, route, e);
      exchange.fail(500, "Internal error, incident " + incident, e);
    }
  }

  /** The placeholder route whose prefix this route starts with, or null. */
  private String placeholderRoute(String route) {
    return routes.keySet().stream().filter(key -> key.endsWith("}") && route.startsWith(prefix(key)))
        .max(Comparator.comparingInt(String::length)).orElse(null);
  }

  private static String prefix(String placeholderRoute) {
    return placeholderRoute.substring(0, placeholderRoute.lastIndexOf('/') + 1);
  }

  private String routeList() {
    Comparator<String> byPath = Comparator.comparing(route -> route.substring(route.indexOf(' ')));
    return String.join(", ", routes.keySet().stream().sorted(byPath.thenComparing(route -> route)).toList());
  }

  private static void checkRoute(String route) {
    if (!route.matches("[A-Z]+ /\\S*") || route.contains("{") && !route.matches("[^{]*/\\{[^/{}]+}")) {
      throw new IllegalArgumentException("A route is 'METHOD /path', optionally ending in one /{placeholder}, not '"
          + route + "'");
    }
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /** One request and its answer. */
  public static final class Exchange {
    private final HttpExchange http;
    private final String tail;
    private boolean answered;

    private Exchange(HttpExchange http, String tail) {
      this.http = http;
      this.tail = tail;
    }

    /** What the placeholder of the route matched ({@code 42} of {@code /jobs/42}); empty on other routes. */
    public String tail() {
      return tail;
    }

    /** The decoded value of this query parameter, or null when the query has none. */
    public String query(String parameter) {
      String query = http.getRequestURI().getRawQuery();
      if (query != null) {
        for (String pair : query.split("&")) {
          if (pair.startsWith(parameter + "=")) {
            return URLDecoder.decode(pair.substring(parameter.length() + 1), StandardCharsets.UTF_8);
          }
        }
      }
      return null;
    }

    /** The request's body, up to this many bytes (read one more to tell that a body is too large). */
    public byte[] body(int maxBytes) throws IOException {
      try (InputStream in = http.getRequestBody()) {
        return in.readNBytes(maxBytes);
      }
    }

    /** Sets a header of the answer; call it before answering. */
    public void header(String name, String value) {
      http.getResponseHeaders().set(name, value);
    }

    public void answer(int status, String contentType, String body) throws IOException {
      answer(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public void answer(int status, String contentType, byte[] body) throws IOException {
      answered = true;
      http.getResponseHeaders().set("Content-Type", contentType);
      http.sendResponseHeaders(status, body.length);
      try (OutputStream out = http.getResponseBody()) {
        out.write(body);
      }
    }

    /** Answers this JSON on one line. */
    public void json(int status, JsonNode body) throws IOException {
      answer(status, JSON_TYPE, body.toString());
    }

    /** Answers this JSON indented, for people reading it. */
    public void prettyJson(int status, JsonNode body) throws IOException {
      try {
        answer(status, JSON_TYPE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Answers an OperationOutcome whose one issue's diagnostics is the message, which says what to fix: the same
     * shape as every error of the FHIR API, so one client reads both.
     */
    public void error(int status, String message) throws IOException {
      ObjectNode outcome = JSON.createObjectNode().put("resourceType", "OperationOutcome");
      outcome.putArray("issue").addObject().put("severity", "error").put("code", issueCode(status))
          .put("diagnostics", message);
      answer(status, "application/fhir+json", outcome.toString());
    }

    /** FHIR's issue type for an HTTP status. */
    private static String issueCode(int status) {
      return switch (status) {
        case 400, 422 -> "invalid";
        case 401 -> "login";
        case 403 -> "forbidden";
        case 404 -> "not-found";
        case 405 -> "not-supported";
        case 409 -> "conflict";
        case 413 -> "too-long";
        case 429 -> "throttled";
        case 503 -> "transient";
        default -> "exception";
      };
    }

    private void fail(int status, String message, RuntimeException cause) throws IOException {
      if (answered) { // the status line is gone: all that is left is to close the connection
        throw new IOException("Failed after answering: " + message, cause);
      }
      error(status, message);
    }
  }
}
