package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import io.brazier.store.Job;
import io.brazier.store.JobStore;
import io.brazier.store.ResourceVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPInputStream;

/** A Bulk Data client for tests: kicks an export off, polls it to its manifest, and downloads its files. */
final class Exporter {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Duration DEADLINE = Duration.ofSeconds(180);
  static final String ELSEWHERE = "another-node";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final TestServer server;
  private final Http http;

  Exporter(TestServer server) {
    this.server = server;
    this.http = server.http();
  }

  /** Kicks off an export at {@code path} ({@code /fhir/$export?_type=Patient}); the status path, after a 202. */
  String start(String path) {
    Http.Response started = http.get(path, "Prefer", "respond-async", "Accept", "application/fhir+json");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    return path(started.header("Content-Location").orElseThrow());
  }

  /** Kicks off an export by POST with a Parameters body; the status path, after a 202. */
  String post(String path, String parameters) {
    Http.Response started = http.post(path, parameters, "Prefer", "respond-async");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    return path(started.header("Content-Location").orElseThrow());
  }

  /**
   * An export job claimed by another node ({@link #ELSEWHERE}), as when that node runs it: this server's runners
   * cannot take it. A job this server's runner claims first is run or fails, and another is submitted.
   */
  String runningElsewhere(String request) {
    JobStore jobs = server.store().jobs();
    while (true) {
      String id = jobs.submit(ExportJob.KIND, request, null);
      Optional<Job> claimed = jobs.claim(ELSEWHERE, Set.of(ExportJob.KIND), Duration.ofMinutes(5));
      if (claimed.isPresent() && claimed.get().id().equals(id)) {
        return id;
      }
      claimed.ifPresent(other -> jobs.cancel(other.id()));
    }
  }

  /** Polls until the export is no longer running; its last answer. */
  Http.Response await(String status) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      Http.Response polled = http.get(status, "Accept", "application/json");
      if (polled.status() != 202) {
        return polled;
      }
      assertThat(polled.header("X-Progress")).isPresent();
      assertThat(polled.header("Retry-After")).isPresent();
      LockSupport.parkNanos(20_000_000);
    }
    throw new AssertionError(status + " did not end within " + DEADLINE);
  }

  /** Polls to the manifest of a finished export. */
  JsonNode manifest(String status) {
    Http.Response done = await(status);
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(done.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(done.header("Expires")).isPresent();
    return tree(done.bytes());
  }

  /** Every line of every file of a manifest's list ({@code output}, {@code deleted}, {@code error}), by type. */
  Map<String, List<String>> lines(JsonNode manifest, String list) {
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (JsonNode file : manifest.path(list)) {
      List<String> of = lines.computeIfAbsent(file.path("type").asText(), type -> new ArrayList<>());
      List<String> read = download(local(file.path("url").asText()));
      if (file.has("count")) {
        assertThat(read).as(file.path("url").asText()).hasSize(file.path("count").asInt());
      }
      of.addAll(read);
    }
    return lines;
  }

  /** Every resource of the server now, by Type/id: the lines of a system export, checked to be as stored. */
  Map<String, String> stored() {
    Map<String, String> stored = exported(manifest(start("/fhir/$export")));
    List<String> keys = new ArrayList<>(stored.keySet());
    Map<String, ResourceVersion> current = server.store().current(keys);
    keys.forEach(key -> assertThat(stored.get(key)).isEqualTo(new String(current.get(key).json(),
        StandardCharsets.UTF_8)));
    return stored;
  }

  /** Every line of an export's output by Type/id; each resource exactly once. */
  Map<String, String> exported(JsonNode manifest) {
    Map<String, String> exported = new HashMap<>();
    lines(manifest, "output").values().forEach(lines -> lines.forEach(line -> {
      JsonNode resource = tree(line);
      String key = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
      assertThat(exported.put(key, line)).as("exported twice: " + key).isNull();
    }));
    return exported;
  }

  /** A link of the server's own, asked of this server: a test server started again listens on another port. */
  private String local(String url) {
    return url.startsWith("http://127.0.0.1:") && url.contains("/fhir/_async/") ? server.rootUrl() + path(url) : url;
  }

  /** The lines of a file, fetched as a client would (gzip accepted). */
  static List<String> download(String url, String... headers) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip");
      for (int i = 0; i < headers.length; i += 2) {
        request.header(headers[i], headers[i + 1]);
      }
      HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).as(url).isEqualTo(200);
      InputStream body = response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")
          ? new GZIPInputStream(response.body()) : response.body();
      List<String> lines = new ArrayList<>();
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        reader.lines().forEach(lines::add);
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode tree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(String json) {
    return tree(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The path of a status URL below the server's root. */
  static String path(String url) {
    return url.substring(url.indexOf("/fhir/"));
  }
}
