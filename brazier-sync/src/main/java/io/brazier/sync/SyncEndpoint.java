package io.brazier.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brazier.sync.target.DeadLetter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP side, for operators and the {@code brazier sync} commands: {@code GET /sync/status},
 * {@code POST /sync/backfill[?types=A,B]}, {@code GET /sync/dead-letters[?id=][&limit=]},
 * {@code POST /sync/dead-letters/replay[?id=]}, {@code GET /metrics} (Prometheus) and {@code GET /healthz}.
 * Answers are JSON; errors are {@code {"error": ...}} saying what to fix. It has no authentication: it listens on
 * the loopback address unless told otherwise.
 */
public final class SyncEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final SyncAgent agent;
  private final Supplier<String> metrics;

  /** @param metrics the Prometheus text of the process's meters */
  public SyncEndpoint(SyncAgent agent, Supplier<String> metrics, String host, int port) throws IOException {
    this.agent = agent;
    this.metrics = metrics;
    try {
      this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (BindException e) {
      throw new IOException("The sync endpoint cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "): choose another --sync-port", e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "sync-http");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/", this::handle);
  }

  public SyncEndpoint start() {
    server.start();
    if (!server.getAddress().getAddress().isLoopbackAddress()) {
      log.warn("The sync endpoint listens on {}, beyond this machine, without authentication: anyone who reaches it"
          + " can start back-fills and replays. Keep --sync-host on 127.0.0.1 unless a firewall guards it",
          server.getAddress());
    }
    log.info("Sync endpoint listening url=http://{}:{}/sync/status", server.getAddress().getHostString(), port());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(exchange);
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    try {
      String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getRawQuery();
      switch (route) {
        case "GET /sync/status" -> json(exchange, 200, JSON.valueToTree(agent.status()));
        case "POST /sync/backfill" -> backfill(exchange, param(query, "types"));
        case "GET /sync/dead-letters" -> json(exchange, 200, deadLetters(agent.deadLetters(number(query, "id"),
            limit(query))));
        case "POST /sync/dead-letters/replay" -> json(exchange, 200, JSON.valueToTree(
            agent.replay(number(query, "id"))));
        case "GET /metrics" -> answer(exchange, 200, "text/plain; version=0.0.4", metrics.get());
        case "GET /healthz" -> answer(exchange, 200, "application/json", "{\"status\":\"UP\"}");
        default -> error(exchange, 404, "Nothing is served at " + route + "; see GET /sync/status, POST"
            + " /sync/backfill, GET /sync/dead-letters, POST /sync/dead-letters/replay.");
      }
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
    } catch (SQLException e) {
      log.warn("Sync endpoint could not read the target: {}", e.getMessage());
      error(exchange, 503, "The sync target is unavailable: " + e.getMessage());
    } catch (RuntimeException e) {
      String incident = UUID.randomUUID().toString();
      log.error("Sync endpoint request failed incident={}", incident, e);
      error(exchange, 500, "Internal error, incident " + incident);
    }
  }

  private void backfill(HttpExchange exchange, String types) throws IOException, SQLException {
    List<String> chosen = types == null || types.isBlank() ? List.of()
        : Arrays.stream(types.split(",")).map(String::trim).filter(type -> !type.isEmpty()).toList();
    UUID job = agent.backfill(chosen);
    json(exchange, 202, JSON.createObjectNode().put("job", job.toString()));
  }

  private static ArrayNode deadLetters(List<DeadLetter> letters) {
    ArrayNode list = JSON.createArrayNode();
    for (DeadLetter letter : letters) {
      ObjectNode node = list.addObject().put("id", letter.id()).put("source", letter.source())
          .put("sequence", letter.sequence()).put("resource", letter.type() + "/" + letter.resourceId())
          .put("action", letter.action()).put("partition", letter.partition()).put("attempts", letter.attempts())
          .put("error", letter.error()).put("failedAt", String.valueOf(letter.failedAt()));
      node.put("version", letter.version());
    }
    return list;
  }

  private static int limit(String query) {
    Long limit = number(query, "limit");
    if (limit != null && (limit < 1 || limit > 10_000)) {
      throw new IllegalArgumentException("limit must be between 1 and 10000, not " + limit);
    }
    return limit == null ? 100 : limit.intValue();
  }

  private static Long number(String query, String name) {
    String value = param(query, name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.valueOf(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " '" + value + "' is not a number");
    }
  }

  private static String param(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    try {
      answer(exchange, status, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A status that is not JSON", e);
    }
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    answer(exchange, status, "application/json", JSON.createObjectNode().put("error", message).toString());
  }

  private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
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
