package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

import io.brazier.proxy.ProxyUnderTest;
import io.brazier.server.LogLines;
import io.brazier.server.StreamedAnswer;
import io.brazier.testkit.Eventually;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bulk export file of any size passes the proxy as it is written: the upstream writes the first part and waits
 * until the client has read it before writing the rest, which a proxy that held the body whole would never let
 * happen. Every line's base URL is the proxy's. A small answer the upstream sends without its length is held to be
 * sent whole only while the upstream keeps writing: one it pauses in (a waiting {@code $changes}) streams too.
 */
class ProxyEndpointTest {
  private static final int LINES_PER_HALF = 20_000;
  private static final String SEARCH_SET =
      "{\"resourceType\":\"Bundle\",\"link\":[{\"relation\":\"self\",\"url\":\"%s/Patient\"}]}";
  private final CountDownLatch clientReadTheFirstHalf = new CountDownLatch(1);
  private final AtomicBoolean upstreamWaitedForTheClient = new AtomicBoolean();
  private final Set<Integer> upstreamPorts = ConcurrentHashMap.newKeySet();
  private final CountDownLatch clientReadTheFirstLine = new CountDownLatch(1);
  private final AtomicBoolean upstreamWaitedForTheFirstLine = new AtomicBoolean();
  private StubUpstream upstream;
  private ProxyUnderTest proxy;

  @BeforeEach
  void start() {
    upstream = new StubUpstream(exchange -> {
      // A search, and the proxy's own search of opt-out Consents before a caller that is no Administrator's
      if (exchange.getRequestURI().getPath().endsWith("/_search")
          || exchange.getRequestURI().getPath().endsWith("/Consent")) {
        StubUpstream.send(exchange, 200, "application/fhir+json", SEARCH_SET.formatted(upstream.baseUrl()));
        return;
      }
      if (exchange.getRequestURI().getPath().endsWith("/$changes")) {
        answerSmallAndSlow(exchange);
        return;
      }
      if (exchange.getRequestURI().getPath().contains("/Observation/")) {
        upstreamPorts.add(exchange.getRemoteAddress().getPort());
        StubUpstream.send(exchange, 200, "application/fhir+json", "{\"resourceType\":\"Observation\"}");
        return;
      }
      if (exchange.getRequestURI().getPath().endsWith("/Broken.ndjson")) {
        breakOffAfterTheFirstHalf(exchange);
        return;
      }
      if (exchange.getRequestURI().getPath().endsWith("/Patient")) {
        exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
        exchange.sendResponseHeaders(200, 0); // chunked
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(SEARCH_SET.formatted(upstream.baseUrl()).getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
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

  @Test
  void aSmallAnswerWithoutItsLengthArrivesWholeAndRewritten() throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(proxy.baseUrl() + "/Patient")).header("Authorization", "Bearer " + administrator()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(SEARCH_SET.formatted(proxy.baseUrl()));
  }

  @Test
  void readsOneAfterAnotherShareOneConnectionToTheUpstream() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    String token = administrator();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl()
          + "/Observation/" + i)).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.body()).isEqualTo("{\"resourceType\":\"Observation\"}");
    }

    assertThat(upstreamPorts).as("the client ports the upstream saw: one kept-alive connection").hasSize(1);
  }

  @Test
  void aSmallAnswerTheUpstreamPausesInStreamsAsItIsWritten() throws Exception {
    HttpResponse<InputStream> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(proxy.baseUrl() + "/$changes")).header("Authorization", "Bearer " + administrator()).build(),
        HttpResponse.BodyHandlers.ofInputStream());

    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
        clientReadTheFirstLine.countDown();
      }
    }

    assertThat(upstreamWaitedForTheFirstLine).as("the client read the first line before the second was written")
        .isTrue();
    assertThat(lines).containsExactly("first " + proxy.baseUrl(), "second");
  }

  /**
   * The upstream's connection breaks in the middle of an export file: the proxy aborts its answer, so that the client
   * sees a broken stream, not a shorter file that ends as if whole; it logs one warning, no error.
   */
  @Test
  void anAnswerTheUpstreamBreaksOffMidBodyIsAbortedNotEndedAsIfWhole() throws Exception {
    try (LogLines log = LogLines.from(StreamedAnswer.class, ProxyEndpoint.class, Javalin.class)) {
      HttpResponse<InputStream> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(proxy.baseUrl() + "/_async/1/Broken.ndjson")).header("Authorization", "Bearer "
          + administrator()).build(), HttpResponse.BodyHandlers.ofInputStream());

      try (InputStream body = answer.body()) {
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(body.readNBytes(1024)).hasSize(1024);
        clientReadTheFirstHalf.countDown();

        assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
      }
      Eventually.within(Duration.ofSeconds(20), () -> assertThat(log.all()).isNotEmpty());
      Thread.sleep(1_000); // what Javalin logs as the handler returns, just after the abort the client saw

      assertThat(log.all()).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN);
      assertThat(log.all().get(0).getFormattedMessage()).contains("aborted", "/_async/1/Broken.ndjson");
      assertThat(log.all().get(0).getThrowableProxy()).as("one line, no stack trace").isNull();
    }
  }

  /** A client that goes away in the middle of an export file is one line in the log, not an error. */
  @Test
  void aClientThatGoesAwayMidBodyIsOneLineInTheLog() throws Exception {
    try (LogLines log = LogLines.from(StreamedAnswer.class, ProxyEndpoint.class, Javalin.class)) {
      URI proxied = URI.create(proxy.baseUrl() + "/_async/1/Observation.ndjson");
      try (Socket client = new Socket(proxied.getHost(), proxied.getPort())) {
        client.getOutputStream().write(("GET " + proxied.getPath() + " HTTP/1.1\r\nHost: " + proxied.getAuthority()
            + "\r\nAuthorization: Bearer " + administrator() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(client.getInputStream().readNBytes(1024)).hasSize(1024);
      }
      clientReadTheFirstHalf.countDown(); // the second half goes to a client that is not there

      Eventually.within(Duration.ofSeconds(20), () -> assertThat(log.all()).isNotEmpty());
      Thread.sleep(1_000); // what Javalin logs as the handler returns, just after the failed write

      assertThat(log.all()).extracting(ILoggingEvent::getLevel).containsExactly(Level.INFO);
      assertThat(log.all().get(0).getFormattedMessage()).contains("Client stopped reading");
    }
  }

  /** The upstream's connection breaks before any of the body: a 502 with an OperationOutcome, not an empty 200. */
  @Test
  void anAnswerTheUpstreamBreaksOffBeforeItsBodyIsABadGateway() throws Exception {
    clientReadTheFirstHalf.countDown(); // the stub breaks off as soon as it has written its headers

    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(proxy.baseUrl() + "/_async/1/Broken.ndjson?empty")).header("Authorization", "Bearer "
        + administrator()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(answer.body()).contains("OperationOutcome", "broke off");
  }

  /** Two short lines, the second only once the client has read the first. */
  @Test
  void thePostSearchsParametersInItsBodyAreCheckedAsAQuerysAre() throws Exception {
    String observationsOnly = proxy.token("app", List.of(), "system/Observation.rs");
    String observationsAndPatients = proxy.token("app", List.of(), "system/Observation.rs system/Patient.rs");
    String form = "_include=Observation:subject:Patient";

    HttpResponse<String> refused = postSearch(form, observationsOnly);
    HttpResponse<String> passed = postSearch(form, observationsAndPatients);

    assertThat(refused.statusCode()).as("the other server would include Patients").isEqualTo(403);
    assertThat(refused.body()).contains("OperationOutcome", "Patient");
    assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
    assertThat(upstream.received()).filteredOn(received -> received.method().equals("POST"))
        .extracting(StubUpstream.Received::body).as("the body read for the checks goes upstream as it came")
        .containsExactly(form);
  }

  private HttpResponse<String> postSearch(String form, String token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/Observation/_search"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private void answerSmallAndSlow(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(("first " + upstream.baseUrl() + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      upstreamWaitedForTheFirstLine.set(clientReadTheFirstLine.await(20, TimeUnit.SECONDS));
      out.write("second\n".getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Half of an export file (none with {@code ?empty}), then, once the client has read the start of it, the
   * connection closed without the chunked body's end: the handler fails, and the JDK's server drops the connection.
   */
  private void breakOffAfterTheFirstHalf(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/fhir+ndjson");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    if (exchange.getRequestURI().getQuery() == null) {
      writeLines(out, upstream.baseUrl());
    }
    out.flush();
    try {
      clientReadTheFirstHalf.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IOException("The stub breaks off its answer");
  }

  private String administrator() {
    return proxy.token("watcher", List.of("Administrator"), null);
  }

  /** Half of the file: about 2.5 MB of Observations, each referring to its patient by the upstream's URL. */
  private static void writeLines(OutputStream out, String base) throws java.io.IOException {
    for (int i = 0; i < LINES_PER_HALF; i++) {
      out.write(("{\"resourceType\":\"Observation\",\"id\":\"o" + i + "\",\"status\":\"final\",\"subject\":"
          + "{\"reference\":\"" + base + "/Patient/p" + i + "\"}}\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
