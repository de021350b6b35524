package io.brazier.bench;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchIndex;
import io.brazier.server.FhirServer;
import io.brazier.server.ServerConfig;
import io.brazier.server.interaction.Writes;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.Write;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The search benchmark of issue 3, after Blaze's method: load the Synthea ndjson into an embedded store (timing the
 * writes with and without indexing), then, over HTTP, count by code, page through every match, and time the
 * selective queries (p50/p99). Reads the data set only here, never in tests.
 */
@Command(name = "search-bench", mixinStandardHelpOptions = true, description = "Search benchmark on Synthea ndjson.")
public final class SearchBench implements Callable<Integer> {
  private static final Pattern FIRST_CODE = Pattern.compile("\"code\":\\{\"coding\":\\[\\{\"system\":\"([^\"]+)\","
      + "\"code\":\"([^\"]+)\"");
  private static final Pattern SUBJECT = Pattern.compile("\"subject\":\\{\"reference\":\"Patient/([^\"]+)\"");

  @Option(names = "--ndjson", defaultValue = "../shared/data/synthea/ndjson", description = "Synthea ndjson directory.")
  Path ndjson;

  @Option(names = "--data-dir", defaultValue = "./bench-data/search", description = "Embedded database directory.")
  Path dataDir;

  @Option(names = "--load", description = "Load the ndjson first (into an empty data directory).")
  boolean load;

  @Option(names = "--no-index", description = "Load without search indexes, to measure what indexing costs.")
  boolean noIndex;

  @Option(names = "--no-searches", description = "Only load (and report sizes); run no searches.")
  boolean noSearches;

  @Option(names = "--limit", defaultValue = "2147483647", description = "At most this many resources per file.")
  int limit;

  @Mixin
  Runs runs;

  @Option(names = "--samples", defaultValue = "20", description = "Different values per latency query.")
  int samples;

  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  public static void main(String[] args) {
    // Only what the benchmark prints: the server's per-request log lines would drown it (and cost time).
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    System.exit(new CommandLine(new SearchBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Fhir fhir = new Fhir(true);
    PostgresStore store = new PostgresStore(Database.open(DatabaseConfig.embedded(dataDir)), fhir.resourceTypes());
    FhirSearch search = new FhirSearch(fhir);
    if (load) {
      load(store, new Writes(fhir, search, Clock.systemUTC()), fhir);
      store.vacuumAnalyze();
    }
    long resources = 0;
    long indexes = 0;
    for (Map.Entry<String, Long> size : store.tableSizes().entrySet()) {
      System.out.printf("size %-20s %,15d bytes%n", size.getKey(), size.getValue());
      if (size.getKey().startsWith("resource")) {
        resources += size.getValue();
      } else {
        indexes += size.getValue();
      }
    }
    System.out.printf("size resources=%,d indexes=%,d ratio=%.2f%n", resources, indexes, (double) indexes / resources);
    if (noSearches) {
      store.close();
      return 0;
    }
    try (FhirServer server = new FhirServer(ServerConfig.builder().port(0).build(), fhir, store,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start()) {
      base = "http://127.0.0.1:" + server.port() + "/fhir";
      measure();
    }
    store.close();
    return 0;
  }

  /** Loads every file in batches of 1,000, two batches at a time (parse and index in Java while one commits). */
  private void load(PostgresStore store, Writes writes, Fhir fhir) throws Exception {
    long started = System.nanoTime();
    AtomicLong count = new AtomicLong();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    Semaphore inFlight = new Semaphore(4);
    try (Stream<Path> files = Files.list(ndjson)) {
      for (Path file : files.filter(Ndjson::isNdjson).sorted().toList()) {
        List<String> batch = new ArrayList<>();
        try (BufferedReader lines = Ndjson.open(file)) {
          int read = 0;
          for (String line; (line = lines.readLine()) != null && read < limit; read++) {
            batch.add(line);
            if (batch.size() == 1000) {
              submit(workers, inFlight, store, writes, fhir, batch, count);
              batch = new ArrayList<>();
            }
          }
        }
        submit(workers, inFlight, store, writes, fhir, batch, count);
        inFlight.acquire(4);
        inFlight.release(4);
        System.out.printf("loaded %s total=%,d %.0f resources/s%n", file.getFileName(), count.get(),
            count.get() / ((System.nanoTime() - started) / 1e9));
      }
    } finally {
      workers.shutdown();
    }
  }

  private void submit(ExecutorService workers, Semaphore inFlight, PostgresStore store, Writes writes, Fhir fhir,
      List<String> lines, AtomicLong count) throws InterruptedException {
    inFlight.acquire();
    workers.submit(() -> {
      try {
        List<Write> batch = new ArrayList<>();
        for (String line : lines) {
          Resource resource = (Resource) fhir.jsonParser().parseResource(line);
          Write write = writes.next(resource, resource.getIdElement().getIdPart(), null, null);
          batch.add(noIndex ? new Write(write.type(), write.id(), 1, write.lastUpdated(), write.json(),
              SearchIndex.EMPTY) : write);
        }
        store.commit(batch);
        count.addAndGet(batch.size());
      } catch (RuntimeException e) {
        System.err.println("A batch failed and is left out: " + e);
      } finally {
        inFlight.release();
      }
    });
  }

  private void measure() throws Exception {
    // $validate answers once the validator has loaded the R4 definitions in the background: the wait keeps that
    // minute of CPU out of the timed runs.
    HttpResponse<String> validated = http.send(HttpRequest.newBuilder(URI.create(base + "/Patient/$validate"))
        .header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (validated.statusCode() != 200) {
      throw new IllegalStateException("$validate answered " + validated.statusCode() + ": " + validated.body());
    }
    Map<String, Integer> codes = new HashMap<>();
    List<String> patients = new ArrayList<>();
    scan("Observation", line -> {
      Matcher code = FIRST_CODE.matcher(line);
      if (code.find()) {
        codes.merge(code.group(1) + "|" + code.group(2), 1, Integer::sum);
      }
      Matcher subject = SUBJECT.matcher(line);
      if (subject.find() && patients.size() < samples * 50 && !patients.contains(subject.group(1))) {
        patients.add(subject.group(1));
      }
    });
    String frequent = codes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    String code = "Observation?code=" + URLEncoder.encode(frequent, StandardCharsets.UTF_8);
    timed("count " + frequent, () -> {
      String body = get(code + "&_summary=count");
      return Long.parseLong(body.replaceAll("(?s).*\"total\":(\\d+).*", "$1"));
    });
    timed("download _count=1000", () -> download(code + "&_count=1000"));
    List<String> some = patients.subList(0, Math.min(samples, patients.size()));
    latency("Patient?name=", List.of("Smi", "Joh", "Wil", "Bro", "Gar", "Mil", "Dav", "Rod", "Mar", "Lop"));
    latency("Observation?date=ge2015-01-01&patient=", some);
    latency("Observation?code=" + URLEncoder.encode(frequent, StandardCharsets.UTF_8) + "&patient=", some);
    latency("Observation?patient.name=", List.of("Smi", "Joh", "Wil", "Bro", "Gar"));
    latency("Observation?encounter.patient.name=", List.of("Smi", "Joh", "Wil", "Bro", "Gar"));
    latency("Patient?_has:Observation:patient:code=" + URLEncoder.encode(frequent, StandardCharsets.UTF_8)
        + "&_id=", some);
    latency("Encounter?_include=Encounter:service-provider&patient=", some);
    latency("Patient?_revinclude=Encounter:patient&_id=", some);
  }

  /** The items per second of each run. */
  private void timed(String name, Runs.Measured measured) throws Exception {
    runs.time(measured, run -> System.out.printf("%s run=%d items=%,d seconds=%.3f items/s=%,.0f%n", name,
        run.number(), run.items(), run.seconds(), run.perSecond()));
  }

  private long download(String query) throws Exception {
    long resources = 0;
    String url = base + "/" + query;
    while (url != null) {
      String body = get(url);
      resources += body.split("\"search\":\\{\"mode\":\"match\"", -1).length - 1;
      Matcher next = Pattern.compile("\"relation\":\"next\",\"url\":\"([^\"]+)\"").matcher(body);
      url = next.find() ? next.group(1) : null;
    }
    return resources;
  }

  /** p50 and p99 over the values, each run after a warm-up. */
  private void latency(String prefix, List<String> values) throws Exception {
    for (String value : values) {
      get(prefix + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    List<Long> micros = new ArrayList<>();
    for (int run = 0; run < runs.runs; run++) {
      for (String value : values) {
        long started = System.nanoTime();
        get(prefix + URLEncoder.encode(value, StandardCharsets.UTF_8));
        micros.add((System.nanoTime() - started) / 1000);
      }
    }
    long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("latency %-70s n=%d p50=%.1fms p99=%.1fms%n", prefix, sorted.length,
        sorted[sorted.length / 2] / 1000.0, sorted[Math.min(sorted.length - 1, sorted.length * 99 / 100)] / 1000.0);
  }

  private String get(String query) throws Exception {
    URI uri = URI.create(query.startsWith("http") ? query : base + "/" + query);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(query + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private interface LineConsumer {
    void accept(String line);
  }

  private void scan(String type, LineConsumer consumer) throws IOException {
    Path file = ndjson.resolve(type + ".ndjson.gz");
    try (BufferedReader lines = Ndjson.open(Files.exists(file) ? file : ndjson.resolve(type + ".ndjson"))) {
      int read = 0;
      for (String line; (line = lines.readLine()) != null && read < limit; read++) {
        consumer.accept(line);
      }
    }
  }
}
