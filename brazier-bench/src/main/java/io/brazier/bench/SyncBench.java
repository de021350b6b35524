package io.brazier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import io.brazier.sync.dataverse.ODataService;
import io.brazier.sync.map.MapLoader;
import io.brazier.sync.map.MapReader;
import io.brazier.sync.map.MapSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The sync agent in {@code brazier serve --sync}: the back-fill of the Synthea set into the embedded target, then the
 * lag of live changes at a steady write rate. The server starts with one map only (Schedule, of which Synthea has
 * none), so that the feed is followed past the load without syncing it; then the built-in maps replace it and a
 * back-fill of every synced type is timed. Then creates are sent at a fixed rate and the agent's lag timer
 * ({@code brazier_sync_lag_seconds}: a change's commit in FHIR to its rows' commit) is read. With {@code --dataverse}
 * the rows go to a Dataverse-shaped OData v4 service in this process, in {@code $batch} change sets, instead.
 */
@Command(name = "sync-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Back-fill throughput and steady-state lag of the sync agent, on the Synthea bundles.")
public final class SyncBench implements Callable<Integer> {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SCHEDULE_ONLY = """
      {"resource": "Schedule", "table": "msemr_schedule", "attributes": [{"column": "msemr_comment", "path": "comment"}]}
      """;

  @Mixin
  SyntheaBundles bundles;

  @Mixin
  ServerOptions servers;

  @Option(names = "--dataverse", description = "Sync into a Dataverse-shaped OData v4 service (the sync tests'"
      + " Olingo service, run in this process) through $batch, rather than into the embedded target.")
  boolean dataverse;

  @Option(names = "--dataverse-batch", defaultValue = "100",
      description = "Requests per $batch change set with --dataverse (default: ${DEFAULT-VALUE}).")
  int dataverseBatch;

  @Option(names = "--clients", defaultValue = "2", description = "Clients loading the bundles (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--rate", defaultValue = "200", description = "Creates per second for the lag (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--seconds", defaultValue = "60", description = "How long the steady writes last (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--port", defaultValue = "18080", description = "Port of the server (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--sync-port", defaultValue = "18083", description = "Port of the agent (default: ${DEFAULT-VALUE}).")
  int syncPort;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SyncBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work = servers.workDir("sync-bench");
    Path maps = Files.createDirectories(work.resolve("maps"));
    Files.writeString(maps.resolve("schedule.json"), SCHEDULE_ONLY);
    SyntheaBundles.Split load = bundles.split();
    List<String> sync = new ArrayList<>(List.of("--sync", "--sync-maps", maps.toString(), "--sync-port",
        Integer.toString(syncPort)));
    try (ODataService service = dataverse ? ODataService.start(builtInMaps()) : null) {
      if (service != null) {
        sync.addAll(List.of("--sync-dataverse-url", service.url().toString(), "--sync-dataverse-token-url",
            service.tokenUrl().toString(), "--sync-dataverse-client-id", ODataService.CLIENT_ID,
            "--sync-dataverse-client-secret", ODataService.CLIENT_SECRET, "--sync-dataverse-batch",
            Integer.toString(dataverseBatch)));
      }
      run(load, sync, work, maps, service);
    }
    return 0;
  }

  private void run(SyntheaBundles.Split load, List<String> sync, Path work, Path maps, ODataService service)
      throws Exception {
    try (ServerProcess server = servers.start(sync, work, port)) {
      BundlePoster poster = new BundlePoster(server.baseUrl());
      poster.post(load.reference(), 1);
      BundlePoster.Result loaded = poster.post(load.patients(), clients);
      System.out.printf("loaded resources=%d failed=%d seconds=%.1f%n", loaded.succeeded(), loaded.failed(),
          loaded.elapsed().toMillis() / 1e3);
      awaitCaughtUp();
      if (!backfill(server, maps)) {
        return; // the server's log says why
      }
      if (service != null) {
        System.out.printf("rows in the OData service: %d%n", builtInMaps().tables().stream()
            .mapToLong(table -> service.rows(table.name()).size()).sum());
      }
      lag(server);
    }
  }

  /** The maps the agent loads from the directory {@code brazier sync maps} writes: the built-in ones. */
  private static MapSet builtInMaps() {
    Fhir fhir = new Fhir(false);
    return new MapLoader(new MapReader(fhir, new FhirPath(fhir))).load(MapLoader.builtIn());
  }

  /** Times a back-fill of every synced type; false when it did not finish. */
  private boolean backfill(ServerProcess server, Path maps) throws Exception {
    Files.delete(maps.resolve("schedule.json"));
    copyBuiltInMaps(maps);
    waitFor(() -> status().path("maps").path("loaded").asInt() == 25 && status().path("maps").path("error").isNull());
    ServerProcess.CpuTime before = server.cpu();
    long started = System.nanoTime();
    String job = post("sync/backfill").path("job").asText();
    JsonNode done = null;
    while (done == null) {
      Thread.sleep(500);
      for (JsonNode backfill : status().path("backfills")) {
        if (job.equals(backfill.path("id").asText()) && !backfill.path("status").asText().equals("running")
            && !backfill.path("status").asText().equals("queued")) {
          done = backfill;
        }
      }
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    ServerProcess.CpuTime cpu = server.cpu().minus(before);
    System.out.printf("| back-fill | %s | %d resources | %.1f s | **%.0f resources/s** | JVM CPU %.1f s | PostgreSQL"
        + " CPU %.1f s |%n", done.path("status").asText(), done.path("done").asLong(), elapsed,
        done.path("done").asLong() / elapsed, cpu.jvm().toMillis() / 1e3, cpu.postgres().toMillis() / 1e3);
    return done.path("status").asText().equals("done");
  }

  /** Creates Observations at a fixed rate, then reads the agent's lag percentiles. */
  private void lag(ServerProcess server) throws Exception {
    String patient = JSON.readTree(get(server.baseUrl() + "/Patient?_count=1")).path("entry").path(0)
        .path("resource").path("id").asText();
    byte[] body = ("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"bench\"},"
        + "\"subject\":{\"reference\":\"Patient/" + patient + "\"},\"valueString\":\"x\"}")
        .getBytes(StandardCharsets.UTF_8);
    ScheduledExecutorService writers = Executors.newScheduledThreadPool(8);
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long periodMicros = 1_000_000L / rate;
    writers.scheduleAtFixedRate(() -> {
      try {
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Observation"))
            .header("Content-Type", "application/fhir+json").header("Prefer", "return=minimal")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
        (response.statusCode() == 201 ? sent : failed).incrementAndGet();
      } catch (IOException | InterruptedException e) {
        failed.incrementAndGet();
      }
    }, 0, periodMicros, TimeUnit.MICROSECONDS);
    Thread.sleep(seconds * 1000L);
    writers.shutdownNow();
    awaitCaughtUp();
    String metrics = get("http://127.0.0.1:" + syncPort + "/metrics");
    System.out.printf("| steady writes | %d/s asked, %.0f/s sent, %d failed | lag p50 %s s | **p99 %s s** | max %s s |%n",
        rate, sent.get() / (double) seconds, failed.get(), metric(metrics, "quantile=\"0.5\""),
        metric(metrics, "quantile=\"0.99\""), metric(metrics, "_max"));
  }

  private static String metric(String metrics, String which) {
    Matcher matcher = Pattern.compile("brazier_sync_lag_seconds(?:" + Pattern.quote(which) + "|\\{" + ".*"
        + Pattern.quote(which) + ".*\\}) ([0-9.eE+-]+)").matcher(metrics);
    return matcher.find() ? String.format("%.3f", Double.parseDouble(matcher.group(1))) : "?";
  }

  /** The built-in maps, written out by the command a user would run. */
  private void copyBuiltInMaps(Path maps) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        servers.jar.toString(), "sync", "maps", maps.toString()).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("brazier sync maps failed");
    }
  }

  private void awaitCaughtUp() throws Exception {
    waitFor(() -> {
      JsonNode source = status().path("sources").path(0);
      return source.path("caughtUp").asBoolean() && source.path("lagChanges").asInt(-1) == 0;
    });
  }

  private JsonNode status() {
    try {
      return JSON.readTree(get("http://127.0.0.1:" + syncPort + "/sync/status"));
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private JsonNode post(String path) throws Exception {
    return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + syncPort + "/" + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private static String get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "{}";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "{}";
    }
  }

  private static void waitFor(Await.Condition condition) throws Exception {
    Await.until(condition, Duration.ofMinutes(30), Duration.ofMillis(500));
  }
}
