package io.brazier.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A closed-loop load generator: N clients, each sending its next request as soon as the last one answered, for a
 * fixed time. {@code create} POSTs Synthea resources; {@code read} first PUTs a working set, then GETs at random.
 */
@Command(name = "crud-load", mixinStandardHelpOptions = true,
    description = "Creates or reads Synthea-sized resources with N concurrent HTTP clients; prints rate and latency.")
public final class CrudLoad implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/fhir", description = "FHIR base (${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--mode", defaultValue = "create", description = "create or read (${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--clients", defaultValue = "32", description = "Concurrent clients (${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seconds", defaultValue = "30", description = "How long to measure (${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "10", description = "Unmeasured warm-up (${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--data", required = true,
      description = "An NDJSON(.gz) file of resources, e.g. ../shared/data/synthea/ndjson/Observation.ndjson.gz.")
  Path data;

  @Option(names = "--limit", defaultValue = "20000", description = "Resources taken from --data (${DEFAULT-VALUE}).")
  int limit;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new CrudLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<String> resources = load(data, limit);
    String type = resources.get(0).replaceFirst("(?s).*?\"resourceType\"\\s*:\\s*\"(\\w+)\".*", "$1");
    Request request = switch (mode) {
      case "create" -> i -> post(type, resources.get(i % resources.size()));
      case "read" -> {
        seed(type, resources);
        yield i -> get(type, "bench-" + ThreadLocalRandom.current().nextInt(resources.size()));
      }
      default -> throw new CommandLine.ParameterException(new CommandLine(this), "--mode is create or read");
    };
    run(request, warmupSeconds, false);
    Result result = run(request, seconds, true);
    System.out.printf("mode=%s type=%s clients=%d seconds=%d requests=%d errors=%d rate=%.0f/s p50=%.2fms p99=%.2fms%n",
        mode, type, clients, seconds, result.latencies.count(), result.errors, result.latencies.count() / (double) seconds,
        result.latencies.percentile(50) / 1e6, result.latencies.percentile(99) / 1e6);
    return result.errors == 0 ? 0 : 1;
  }

  private interface Request {
    HttpRequest make(int i);
  }

  private record Result(Histogram latencies, long errors) {}

  private Result run(Request request, int runSeconds, boolean measured) throws Exception {
    long end = System.nanoTime() + runSeconds * 1_000_000_000L;
    AtomicLong counter = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Histogram>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        Histogram histogram = new Histogram();
        while (System.nanoTime() < end) {
          HttpRequest next = request.make((int) counter.getAndIncrement());
          long started = System.nanoTime();
          HttpResponse<byte[]> response = http.send(next, HttpResponse.BodyHandlers.ofByteArray());
          histogram.record(System.nanoTime() - started);
          if (response.statusCode() >= 300) {
            errors.incrementAndGet();
          }
        }
        return histogram;
      }));
    }
    Histogram all = new Histogram();
    for (Future<Histogram> future : futures) {
      all.add(future.get());
    }
    pool.shutdown();
    return new Result(all, measured ? errors.get() : 0);
  }

  private void seed(String type, List<String> resources) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      String id = "bench-" + i;
      String body = resources.get(i).replaceFirst("\"id\"\\s*:\\s*\"[^\"]*\"", "\"id\":\"" + id + "\"");
      HttpRequest put = HttpRequest.newBuilder(URI.create(url + "/" + type + "/" + id))
          .header("Content-Type", "application/fhir+json").header("Prefer", "return=minimal")
          .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
      futures.add(pool.submit(() -> http.send(put, HttpResponse.BodyHandlers.discarding()).statusCode()));
    }
    for (Future<Integer> future : futures) {
      if (future.get() >= 300) {
        throw new IllegalStateException("Seeding failed with HTTP " + future.get());
      }
    }
    pool.shutdown();
  }

  private HttpRequest post(String type, String body) {
    return HttpRequest.newBuilder(URI.create(url + "/" + type))
        .header("Content-Type", "application/fhir+json").header("Prefer", "return=minimal")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpRequest get(String type, String id) {
    return HttpRequest.newBuilder(URI.create(url + "/" + type + "/" + id)).GET().build();
  }

  static List<String> load(Path file, int limit) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = Ndjson.open(file)) {
      for (String line; lines.size() < limit && (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
    }
    return lines;
  }
}
