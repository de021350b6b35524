package io.brazier.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.StatusServer;
import io.brazier.loader.send.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watching service's HTTP side: {@code GET /loader/status} (JSON), {@code POST /loader/bundles} (a bundle in the
 * body, queued like a dropped file; {@code ?name=} names it), the export jobs ({@code POST /loader/$alt-export} and
 * {@code /loader/$alt-export-all} start one, {@code GET /loader/$alt-export-status[/id]} lists them, {@code DELETE
 * /loader/$alt-export/id} cancels one), {@code GET /metrics} (Prometheus) and {@code GET /healthz}. Errors answer
 * JSON with an {@code error} that says what to fix.
 */
public final class LoaderEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoaderEndpoint.class);
  private static final int MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
  private static final String EXPORT = "/loader/$alt-export";
  private static final String EXPORT_STATUS = "/loader/$alt-export-status";

  private final StatusServer server;
  private final List<LoaderService> services;
  private final ExportJobs exports;

  /**
   * @param services the services it reports on (a folder's and a Blob account's), summed; uploads go to the first
   */
  public LoaderEndpoint(List<LoaderService> services, ExportJobs exports, Supplier<String> metrics, String host,
      int port) throws IOException {
    if (services.isEmpty()) {
      throw new IllegalArgumentException("a loader endpoint needs a loader service");
    }
    this.services = List.copyOf(services);
    this.exports = exports;
    this.server = new StatusServer("loader", host, port, 4, Map.of(
        "GET /loader/status", exchange -> exchange.prettyJson(200, status()),
        "POST /loader/bundles", this::upload,
        "POST " + EXPORT, exchange -> startExport(exchange, ExportBodies::patients),
        "POST " + EXPORT + "-all", exchange -> startExport(exchange, ExportBodies::all),
        "GET " + EXPORT_STATUS, this::listExports,
        "GET " + EXPORT_STATUS + "/{id}", exchange -> exportStatus(exchange, exchange.tail()),
        "DELETE " + EXPORT + "/{id}", exchange -> cancel(exchange, exchange.tail()),
        "GET /metrics", StatusServer.prometheus(metrics),
        "GET /healthz", StatusServer.up()));
  }

  public LoaderEndpoint start() {
    server.start();
    log.info("Loader endpoint listening url={}", server.url("/loader/status"));
    return this;
  }

  public int port() {
    return server.port();
  }

  private ObjectNode status() {
    LoaderStatus status = services.stream().map(LoaderService::status).reduce(LoaderStatus::plus).orElseThrow();
    return Json.object().put("queued", status.queued()).put("loading", status.loading())
        .put("filesProcessed", status.filesProcessed()).put("filesFailed", status.filesFailed())
        .put("resources", status.resources()).put("failedEntries", status.failedEntries())
        .put("resourcesPerSecond", Math.round(status.resourcesPerSecond() * 10) / 10.0);
  }

  private void upload(StatusServer.Exchange exchange) throws IOException {
    byte[] body = exchange.body(MAX_BUNDLE_BYTES + 1);
    if (body.length > MAX_BUNDLE_BYTES) {
      exchange.error(413, "The bundle is larger than 256 MB; drop it into the bundles folder instead.");
      return;
    }
    JsonNode bundle;
    try {
      bundle = Json.parse(body);
    } catch (IOException e) {
      exchange.error(400, "The body is not JSON: send a FHIR Bundle of type transaction or batch.");
      return;
    }
    if (!bundle.path("resourceType").asText().equals("Bundle")) {
      exchange.error(400, "The body is not a FHIR Bundle: send a Bundle of type transaction or batch.");
      return;
    }
    String file;
    try {
      file = services.get(0).queue(body, exchange.query("name"));
    } catch (LoaderService.NameTaken e) {
      exchange.error(409, e.getMessage());
      return;
    } catch (IOException e) {
      log.warn("Queueing an uploaded bundle failed problem={}", e.getMessage());
      exchange.header("Retry-After", "60");
      exchange.error(503, "The bundle cannot be written to the loader's storage now (" + e.getMessage()
          + "); nothing was queued.");
      return;
    }
    exchange.json(202, Json.object().put("filename", file));
  }

  private void startExport(StatusServer.Exchange exchange, Function<JsonNode, ExportBodies.Order> parse)
      throws IOException {
    ExportBodies.Order order; // a definition that parse refuses is a 400 with its IllegalArgumentException's message
    try {
      order = parse.apply(Json.parse(exchange.body(1 << 20)));
    } catch (IOException e) {
      exchange.error(400, "The body is not a JSON object: send the export's query definition.");
      return;
    }
    String id;
    try {
      id = exports.start(order.request(), order.source());
    } catch (ExportJobs.TooMany e) {
      exchange.header("Retry-After", "60");
      exchange.error(429, e.getMessage());
      return;
    } catch (IOException e) {
      journalFailed(exchange, e);
      return;
    }
    exchange.json(202, Json.object().put("id", id).put("statusQueryGetUri", EXPORT_STATUS + "/" + id)
        .put("terminateUri", EXPORT + "/" + id).put("terminateMethod", "DELETE"));
  }

  private void listExports(StatusServer.Exchange exchange) throws IOException {
    List<ExportJobs.Job> jobs;
    try {
      jobs = exports.list();
    } catch (IOException e) {
      journalFailed(exchange, e);
      return;
    }
    exchange.prettyJson(200, ExportBodies.status(jobs, Instant.now()));
  }

  /** The journal's storage failed (a full disk, a Blob account refusing): nothing the caller can fix but wait. */
  private static void journalFailed(StatusServer.Exchange exchange, IOException e) throws IOException {
    log.warn("Export journal failed problem={}", e.getMessage());
    exchange.header("Retry-After", "60");
    exchange.error(503, "The loader's export journal cannot be read or written now: " + e.getMessage());
  }

  private void exportStatus(StatusServer.Exchange exchange, String id) throws IOException {
    Optional<ExportJobs.Job> job;
    try {
      job = exports.job(id);
    } catch (IOException e) {
      journalFailed(exchange, e);
      return;
    }
    if (job.isEmpty()) {
      exchange.error(404, "No export " + id + " is known to this loader (ended ones are forgotten after"
          + " --export-purge-days).");
      return;
    }
    exchange.prettyJson(200, ExportBodies.status(job.get(), Instant.now()));
  }

  private void cancel(StatusServer.Exchange exchange, String id) throws IOException {
    if (!exports.cancel(id)) {
      boolean elsewhere;
      try {
        elsewhere = exports.job(id).filter(job -> job.state() == ExportJobs.State.RUNNING).isPresent();
      } catch (IOException e) {
        journalFailed(exchange, e);
        return;
      }
      exchange.error(elsewhere ? 409 : 404, elsewhere ? "Export " + id + " runs in another loader process on this"
          + " storage: cancel it there." : "No export " + id + " is running on this loader.");
      return;
    }
    exchange.json(202, Json.object().put("canceled", id));
  }

  @Override
  public void close() {
    server.close();
  }
}
