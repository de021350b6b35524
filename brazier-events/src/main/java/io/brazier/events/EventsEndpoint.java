package io.brazier.events;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone publisher's HTTP side ({@code brazier events}): {@code GET /healthz} (503 while the broker is away
 * too long, as the server's own {@code /healthz} says it) and {@code GET /metrics} (Prometheus).
 */
public final class EventsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventsEndpoint.class);

  private final HttpServer server;
  private final EventPublisher publisher;
  private final Supplier<String> metrics;

  public EventsEndpoint(EventPublisher publisher, Supplier<String> metrics, String host, int port)
      throws IOException {
    this.publisher = publisher;
    this.metrics = metrics;
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/", this::handle);
  }

  public EventsEndpoint start() {
    server.start();
    log.info("Events endpoint listening url=http://{}:{}/healthz", server.getAddress().getHostString(), port());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
      switch (route) {
        case "GET /metrics" -> answer(exchange, 200, "text/plain; version=0.0.4", metrics.get());
        case "GET /healthz" -> {
          String problem = publisher.problem();
          answer(exchange, problem == null ? 200 : 503, "application/json", problem == null
              ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\",\"events\":\"" + problem.replace("\"", "'") + "\"}");
        }
        default -> answer(exchange, 404, "application/json",
            "{\"error\":\"Nothing is served at " + route.replace("\"", "'") + "; try GET /healthz or /metrics.\"}");
      }
    }
  }

  private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
