package io.brazier.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts gzipped bundle files to a FHIR base as they are ({@code Content-Encoding: gzip}), from N client threads that
 * take the next file from a shared queue, and counts the entries the server answered with 2xx and with errors. The
 * client only reads the status lines of the answers, so it takes little of the CPU that the server needs.
 */
final class BundlePoster implements BundleClient {
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\d{3})");

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;

  BundlePoster(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** What a run did: entries answered 2xx, entries that failed, bundles rejected whole, and its wall time. */
  record Result(long succeeded, long failed, long rejectedBundles, Duration elapsed) {

    double perSecond() {
      return succeeded / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  @Override
  public Result post(List<Path> files, int concurrency) {
    ConcurrentLinkedQueue<Path> queue = new ConcurrentLinkedQueue<>(files);
    AtomicLong succeeded = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    long started = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Thread thread = new Thread(() -> {
        for (Path file; (file = queue.poll()) != null; ) {
          HttpResponse<String> response = send(file);
          if (response.statusCode() != 200) {
            rejected.incrementAndGet();
            System.err.printf("%s: HTTP %d %s%n", file.getFileName(), response.statusCode(),
                response.body().substring(0, Math.min(600, response.body().length())));
            continue;
          }
          Matcher matcher = STATUS.matcher(response.body());
          while (matcher.find()) {
            (matcher.group(1).startsWith("2") ? succeeded : failed).incrementAndGet();
          }
        }
      }, "poster-" + i);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return new Result(succeeded.get(), failed.get(), rejected.get(), Duration.ofNanos(System.nanoTime() - started));
  }

  private HttpResponse<String> send(Path file) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl))
          .timeout(Duration.ofMinutes(10))
          .header("Content-Type", "application/fhir+json")
          .header("Content-Encoding", file.toString().endsWith(".gz") ? "gzip" : "identity")
          .header("Prefer", "return=minimal")
          .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(file)))
          .build();
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not post " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
