package io.brazier.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.client.StatusServer;
import io.brazier.sync.target.DeadLetter;
import io.brazier.sync.target.LeftRowChanges;
import java.io.IOException;
import java.net.BindException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP side, for operators and the {@code brazier sync} commands: {@code GET /sync/status},
 * {@code POST /sync/backfill[?types=A,B]}, {@code GET /sync/backfill/{id}}, {@code GET /sync/dead-letters[?id=][&limit=]},
 * {@code POST /sync/dead-letters/replay[?id=]}, {@code GET /sync/write-back/left[?id=][&limit=]},
 * {@code POST /sync/write-back/left/retry|discard?id=|all=true}, {@code GET /metrics} (Prometheus) and
 * {@code GET /healthz} (503 while the target is down, or the source or the workers' checkpoint has been for
 * {@code --sync-unhealthy-after}, or once an Error ended a thread of the agent: {@link EndedThreads}).
 * Answers are JSON; errors are OperationOutcomes saying what to fix. It has no authentication: it listens on
 * the loopback address unless told otherwise.
 */
public final class SyncEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncEndpoint.class);
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final StatusServer server;
  private final SyncAgent agent;

  /** @param metrics the Prometheus text of the process's meters */
  public SyncEndpoint(SyncAgent agent, Supplier<String> metrics, String host, int port) throws IOException {
    this.agent = agent;
    try {
      this.server = new StatusServer("sync", host, port, 2, Map.of(
          "GET /sync/status", exchange -> exchange.prettyJson(200, JSON.valueToTree(agent.status())),
          "POST /sync/backfill", target(this::backfill),
          "GET /sync/backfill/{id}", target(this::backfillJob),
          "GET /sync/dead-letters", target(exchange -> exchange.prettyJson(200,
              deadLetters(agent.deadLetters(number(exchange, "id"), limit(exchange))))),
          "POST /sync/dead-letters/replay", target(this::replay),
          "GET /sync/write-back/left", target(exchange -> exchange.prettyJson(200,
              leftRowChanges(agent.leftRowChanges(number(exchange, "id"), limit(exchange))))),
          "POST /sync/write-back/left/retry", target(exchange -> leftRowChanges(exchange, "retried",
              agent::retryLeftRowChanges)),
          "POST /sync/write-back/left/discard", target(exchange -> leftRowChanges(exchange, "discarded",
              agent::discardLeftRowChanges)),
          "GET /metrics", StatusServer.prometheus(metrics),
          "GET /healthz", this::health));
    } catch (BindException e) {
      throw new IOException("The sync endpoint cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "): choose another --sync-port", e);
    }
  }

  public SyncEndpoint start() {
    server.start();
    if (!server.address().getAddress().isLoopbackAddress()) {
      log.warn("The sync endpoint listens on {}, beyond this machine, without authentication: anyone who reaches it"
          + " can start back-fills and replays. Keep --sync-host on 127.0.0.1 unless a firewall guards it",
          server.address());
    }
    log.info("Sync endpoint listening url={}", server.url("/sync/status"));
    return this;
  }

  public int port() {
    return server.port();
  }

  /** A route that reads or writes the target database, which may be away: a 503 then. */
  private interface TargetRoute {
    void handle(StatusServer.Exchange exchange) throws IOException, SQLException;
  }

  private static StatusServer.Handler target(TargetRoute route) {
    return exchange -> {
      try {
        route.handle(exchange);
      } catch (SQLException e) {
        log.warn("Sync endpoint could not read the target: {}", e.getMessage());
        exchange.error(503, "The sync target is unavailable: " + e.getMessage());
      }
    };
  }

  private void backfill(StatusServer.Exchange exchange) throws IOException, SQLException {
    String types = exchange.query("types");
    List<String> chosen = types == null || types.isBlank() ? List.of()
        : Arrays.stream(types.split(",")).map(String::trim).filter(type -> !type.isEmpty()).toList();
    UUID job = agent.backfill(chosen);
    exchange.prettyJson(202, JSON.createObjectNode().put("job", job.toString()));
  }

  /** One back-fill, the way the status lists the latest: a 404 when there is none of that id. */
  private void backfillJob(StatusServer.Exchange exchange) throws IOException, SQLException {
    UUID id;
    try {
      id = UUID.fromString(exchange.tail());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + exchange.tail() + "' is not a back-fill id: POST /sync/backfill"
          + " answers one, a UUID");
    }
    Optional<SyncStatus.Backfill> job = agent.backfillJob(id);
    if (job.isEmpty()) {
      exchange.error(404, "No back-fill has id " + id + ": GET /sync/status lists the latest");
      return;
    }
    exchange.prettyJson(200, JSON.valueToTree(job.get()));
  }

  /** Replays the dead letters, or the one named: a 404 when there is none of that id (a typo, or replayed already). */
  private void replay(StatusServer.Exchange exchange) throws IOException, SQLException {
    Long id = number(exchange, "id");
    ReplayResult result = agent.replay(id);
    if (id != null && result.replayed() + result.failed() == 0) {
      exchange.error(404, "No dead letter has id " + id + " (replayed already?): GET /sync/dead-letters, or"
          + " 'brazier sync dlq list', lists those there are");
      return;
    }
    exchange.prettyJson(200, JSON.valueToTree(result));
  }

  /**
   * Up while the agent can sync; a 503 naming each side it needs that is down ({@code {"status":"DOWN","target":
   * "..."}}), as the server's /healthz names its database. The source counts as down only once its reads have failed
   * for {@code --sync-unhealthy-after}: one failed read would take the agent out of a load balancer for a blip; so
   * does the workers' checkpoint, which the reader reads from the target when it starts. A part of the agent (its reader, workers, back-fill, write-back) counts as down once an Error (out of memory, of
   * stack) or an exception nothing expected ended its thread. The status says the same of the target and the
   * source, and more.
   */
  private void health(StatusServer.Exchange exchange) throws IOException {
    Map<String, String> down = agent.down();
    ObjectNode health = JSON.createObjectNode().put("status", down.isEmpty() ? "UP" : "DOWN");
    down.forEach(health::put);
    exchange.json(down.isEmpty() ? 200 : 503, health);
  }

  /** Something done to changes left for the operator, and how many it was done to. */
  private interface LeftRowChangesAction {
    int apply(Long id) throws SQLException;
  }

  /**
   * Retries or discards the changes left for the operator: the row's of change {@code ?id=}, or all of them with
   * {@code ?all=true}
   * (so that a request that forgot its id does not act on all); a 404 when none has that id.
   */
  private static void leftRowChanges(StatusServer.Exchange exchange, String done, LeftRowChangesAction action)
      throws IOException, SQLException {
    Long id = number(exchange, "id");
    boolean all = "true".equals(exchange.query("all"));
    if ((id == null) == !all) {
      throw new IllegalArgumentException("Give id=<change id> for the changes left of that change's row, or all=true"
          + " for every change left");
    }
    int count = action.apply(id);
    if (id != null && count == 0) {
      exchange.error(404, "No change left for the operator has id " + id + ": GET /sync/write-back/left, or"
          + " 'brazier sync write-back list', lists those there are");
      return;
    }
    exchange.prettyJson(200, JSON.createObjectNode().put(done, count));
  }

  private static ArrayNode leftRowChanges(List<LeftRowChanges.Left> changes) {
    ArrayNode list = JSON.createArrayNode();
    for (LeftRowChanges.Left change : changes) {
      list.addObject().put("id", change.id()).put("table", change.table()).put("rowKey", change.key().toString())
          .put("operation", change.operation()).put("fhirId", change.fhirId()).put("changes", change.changes())
          .put("attempts", change.attempts()).put("error", change.error()).put("changedAt", change.changedAt().toString());
    }
    return list;
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

  private static int limit(StatusServer.Exchange exchange) {
    Long limit = number(exchange, "limit");
    if (limit != null && (limit < 1 || limit > 10_000)) {
      throw new IllegalArgumentException("limit must be between 1 and 10000, not " + limit);
    }
    return limit == null ? 100 : limit.intValue();
  }

  private static Long number(StatusServer.Exchange exchange, String name) {
    String value = exchange.query(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.valueOf(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " '" + value + "' is not a number");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
