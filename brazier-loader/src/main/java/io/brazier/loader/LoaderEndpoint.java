package io.brazier.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brazier.loader.send.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.time.Instant;
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

  private final HttpServer server;
  private static final String EXPORT = "/loader/$alt-export";
  private static final String EXPORT_STATUS = "/loader/$alt-export-status";

  private final List<LoaderService> services;
  private final ExportJobs exports;
  private final Supplier<String> metrics;

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
    this.metrics = metrics;
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, Loading.threads("loader-http")));
    server.createContext("/", this::handle);
  }

  public LoaderEndpoint start() {
    server.start();
    log.info("Loader endpoint listening url=http://{}:{}/loader/status", server.getAddress().getHostString(), port());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String route = exchange.getRequestMethod() + " " + path;
      if (route.startsWith("GET " + EXPORT_STATUS + "/")) {
        exportStatus(exchange, path.substring(EXPORT_STATUS.length() + 1));
        return;
      }
      if (route.startsWith("DELETE " + EXPORT + "/")) {
        cancel(exchange, path.substring(EXPORT.length() + 1));
        return;
      }
      switch (route) {
        case "GET /loader/status" -> answer(exchange, 200, "application/json", Json.pretty(status()));
        case "POST /loader/bundles" -> upload(exchange);
        case "POST " + EXPORT -> startExport(exchange, ExportBodies::patients);
        case "POST " + EXPORT + "-all" -> startExport(exchange, ExportBodies::all);
        case "GET " + EXPORT_STATUS -> answer(exchange, 200, "application/json",
            Json.pretty(ExportBodies.status(exports.list(), Instant.now())));
        case "GET /metrics" -> answer(exchange, 200, "text/plain; version=0.0.4",
            metrics.get().getBytes(StandardCharsets.UTF_8));
        case "GET /healthz" -> answer(exchange, 200, "application/json", "{\"status\":\"UP\"}".getBytes());
        default -> error(exchange, 404, "Nothing is served at " + route + "; try GET /loader/status or POST"
            + " /loader/bundles.");
      }
    } catch (RuntimeException e) {
      log.error("Loader request failed", e);
    }
  }

  private ObjectNode status() {
    LoaderStatus status = services.stream().map(LoaderService::status).reduce(LoaderStatus::plus).orElseThrow();
    return Json.object().put("queued", status.queued()).put("loading", status.loading())
        .put("filesProcessed", status.filesProcessed()).put("filesFailed", status.filesFailed())
        .put("resources", status.resources()).put("failedEntries", status.failedEntries())
        .put("resourcesPerSecond", Math.round(status.resourcesPerSecond() * 10) / 10.0);
  }

  private void upload(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BUNDLE_BYTES + 1);
    }
    if (body.length > MAX_BUNDLE_BYTES) {
      error(exchange, 413, "The bundle is larger than 256 MB; drop it into the bundles folder instead.");
      return;
    }
    JsonNode bundle;
    try {
      bundle = Json.parse(body);
    } catch (IOException e) {
      error(exchange, 400, "The body is not JSON: send a FHIR Bundle of type transaction or batch.");
      return;
    }
    if (!bundle.path("resourceType").asText().equals("Bundle")) {
      error(exchange, 400, "The body is not a FHIR Bundle: send a Bundle of type transaction or batch.");
      return;
    }
    String file = services.get(0).queue(body, name(exchange.getRequestURI().getRawQuery()));
    answer(exchange, 202, "application/json", Json.bytes(Json.object().put("filename", file)));
  }

  private void startExport(HttpExchange exchange, Function<JsonNode, ExportRequest> parse) throws IOException {
    ExportRequest request;
    try (InputStream in = exchange.getRequestBody()) {
      request = parse.apply(Json.parse(in.readNBytes(1 << 20)));
    } catch (IOException e) {
      error(exchange, 400, "The body is not a JSON object: send the export's query definition.");
      return;
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
      return;
    }
    try {
      String id = exports.start(request);
      answer(exchange, 202, "application/json", Json.bytes(Json.object().put("id", id)
          .put("statusQueryGetUri", EXPORT_STATUS + "/" + id).put("terminateUri", "DELETE " + EXPORT + "/" + id)));
    } catch (ExportJobs.TooMany e) {
      exchange.getResponseHeaders().set("Retry-After", "60");
      error(exchange, 429, e.getMessage());
    }
  }

  private void exportStatus(HttpExchange exchange, String id) throws IOException {
    var job = exports.job(id);
    if (job.isEmpty()) {
      error(exchange, 404, "No export " + id + " is known to this loader (ended ones are forgotten after"
          + " --export-purge-days).");
      return;
    }
    answer(exchange, 200, "application/json", Json.pretty(ExportBodies.status(job.get(), Instant.now())));
  }

  private void cancel(HttpExchange exchange, String id) throws IOException {
    if (!exports.cancel(id)) {
      error(exchange, 404, "No export " + id + " is running on this loader.");
      return;
    }
    answer(exchange, 202, "application/json", Json.bytes(Json.object().put("canceled", id)));
  }

  private static String name(String query) {
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("name=")) {
          return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    answer(exchange, status, "application/json", Json.bytes(Json.object().put("error", message)));
  }

  private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
