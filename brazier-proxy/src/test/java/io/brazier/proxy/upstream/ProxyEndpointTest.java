package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.ProxyUnderTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bulk export file of any size passes the proxy as it is written: the upstream writes the first part and waits
 * until the client has read it before writing the rest, which a proxy that held the body whole would never let
 * happen. Every line's base URL is the proxy's.
 */
class ProxyEndpointTest {
  private static final int LINES_PER_HALF = 20_000;
  private final CountDownLatch clientReadTheFirstHalf = new CountDownLatch(1);
  private final AtomicBoolean upstreamWaitedForTheClient = new AtomicBoolean();
  private StubUpstream upstream;
  private ProxyUnderTest proxy;

  @BeforeEach
  void start() {
    upstream = new StubUpstream(exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/fhir+ndjson");
      exchange.sendResponseHeaders(200, 0); // chunked: the length is not known in advance
      try (OutputStream out = exchange.getResponseBody()) {
        writeLines(out, upstream.baseUrl());
        out.flush();
        upstreamWaitedForTheClient.set(clientReadTheFirstHalf.await(60, TimeUnit.SECONDS));
        writeLines(out, upstream.baseUrl());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    proxy = ProxyUnderTest.start(upstream.baseUrl());
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.close();
  }

  @Test
  void aLargeExportFileStreamsThroughWithItsUrlsRewritten() throws Exception {
    // An Administrator: no isolation reads consents for it, so the stub upstream sees only the request.
    String token = proxy.token("exporter", List.of("Administrator"), null);
    HttpResponse<InputStream> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(proxy.baseUrl() + "/_async/1/Observation.ndjson")).header("Authorization", "Bearer " + token)
        .build(), HttpResponse.BodyHandlers.ofInputStream());

    long lines = 0;
    long rewritten = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines++;
        rewritten += line.contains("\"" + proxy.baseUrl() + "/Patient/") ? 1 : 0;
        if (lines == LINES_PER_HALF) {
          clientReadTheFirstHalf.countDown();
        }
      }
    }

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/fhir+ndjson");
    assertThat(upstreamWaitedForTheClient).as("the client read the first half before the second was written")
        .isTrue();
    assertThat(lines).isEqualTo(2L * LINES_PER_HALF);
    assertThat(rewritten).isEqualTo(lines);
  }

  /** Half of the file: about 2.5 MB of Observations, each referring to its patient by the upstream's URL. */
  private static void writeLines(OutputStream out, String base) throws java.io.IOException {
    for (int i = 0; i < LINES_PER_HALF; i++) {
      out.write(("{\"resourceType\":\"Observation\",\"id\":\"o" + i + "\",\"status\":\"final\",\"subject\":"
          + "{\"reference\":\"" + base + "/Patient/p" + i + "\"}}\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
