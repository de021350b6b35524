package io.brazier.events;

import io.brazier.client.StatusServer;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone publisher's HTTP side ({@code brazier events}): {@code GET /healthz} (503 while the broker is away
 * too long, as the server's own {@code /healthz} says it) and {@code GET /metrics} (Prometheus).
 */
public final class EventsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventsEndpoint.class);

  private final StatusServer server;
  private final EventPublisher publisher;

  public EventsEndpoint(EventPublisher publisher, Supplier<String> metrics, String host, int port)
      throws IOException {
    this.publisher = publisher;
    this.server = new StatusServer("events", host, port, 1, Map.of(
        "GET /metrics", StatusServer.prometheus(metrics),
        "GET /healthz", this::health));
  }

  public EventsEndpoint start() {
    server.start();
    log.info("Events endpoint listening url={}", server.url("/healthz"));
    return this;
  }

  public int port() {
    return server.port();
  }

  private void health(StatusServer.Exchange exchange) throws IOException {
    String problem = publisher.problem();
    exchange.answer(problem == null ? 200 : 503, "application/json", problem == null
        ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\",\"events\":\"" + problem.replace("\"", "'") + "\"}");
  }

  @Override
  public void close() {
    server.close();
  }
}
