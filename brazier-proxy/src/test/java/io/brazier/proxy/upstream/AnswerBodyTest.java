package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.ProxyUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream answer's body as the proxy reads it from Jetty: what has come is read at once, a read waits only for
 * what has not, {@code ready} tells which without waiting; an answer read to its end leaves its connection to the
 * pool, one left early closes it; an answer that breaks off is an error, never a short body.
 */
class AnswerBodyTest {
  private final CountDownLatch rest = new CountDownLatch(1);
  private final List<Integer> ports = new CopyOnWriteArrayList<>();
  private StubUpstream stub;
  private Upstream upstream;

  @AfterEach
  void stop() {
    rest.countDown();
    if (upstream != null) {
      upstream.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  private void start() {
    stub = new StubUpstream(exchange -> {
      ports.add(exchange.getRemoteAddress().getPort());
      if (exchange.getRequestURI().getPath().endsWith("/whole")) {
        StubUpstream.send(exchange, 200, "application/fhir+json", "{\"resourceType\":\"Patient\"}");
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/fhir+ndjson");
      exchange.sendResponseHeaders(200, 0); // chunked
      try (OutputStream out = exchange.getResponseBody()) {
        out.write("first\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        rest.await(30, TimeUnit.SECONDS);
        out.write("second\n".getBytes(StandardCharsets.UTF_8));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the proxy left the answer early: its connection is gone
      }
    });
    upstream = upstream(stub.baseUrl());
  }

  private static Upstream upstream(String base) {
    return new Upstream(URI.create(base), Optional.empty(), ProxyUnderTest.RETRIES, Duration.ofSeconds(30));
  }

  private Upstream.Answer get(String path) {
    return upstream.send("GET", path, Map.of(), Upstream.Body.NONE);
  }

  @Test
  void whatHasComeIsReadAndReadyTellsWhetherTheRestIsStillToCome() throws Exception {
    start();
    try (InputStream body = get("/Observation/$export-file").body()) {
      assertThat(new String(body.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("first\n");
      assertThat(AnswerBody.ready(body)).as("the upstream waits: a read would too").isFalse();
      assertThat(body.available()).isZero();

      rest.countDown();

      assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second\n");
      assertThat(body.read()).isEqualTo(-1);
      assertThat(AnswerBody.ready(body)).as("the end is here").isTrue();
    }
  }

  @Test
  void anAnswerReadToItsEndLeavesItsConnectionToThePoolAndOneLeftEarlyClosesIt() throws Exception {
    start();
    try (InputStream body = get("/whole").body()) {
      assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("Patient");
    }
    get("/whole").body().close();
    assertThat(ports).hasSize(2);
    assertThat(ports.get(1)).as("the read answer's connection served the next").isEqualTo(ports.get(0));

    try (InputStream body = get("/Observation/$export-file").body()) {
      assertThat(body.readNBytes(6)).hasSize(6);
    } // left before its end: the rest may still come, so the connection cannot serve another
    get("/whole").body().close();

    assertThat(ports).hasSize(4);
    assertThat(ports.get(3)).as("a new connection after one left early").isNotEqualTo(ports.get(2));
  }

  @Test
  void aSmallAnswerWhoseEndIsHereAlreadyIsReadyAndClosingItKeepsTheConnection() throws Exception {
    start();
    InputStream body = get("/whole").body();
    byte[] all = body.readNBytes(26);
    assertThat(new String(all, StandardCharsets.UTF_8)).isEqualTo("{\"resourceType\":\"Patient\"}");
    // Not read to -1: close() sees the end has come and does not abort.
    awaitReady(body);
    body.close();
    get("/whole").body().close();

    assertThat(ports.get(1)).isEqualTo(ports.get(0));
  }

  @Test
  void anAnswerThatBreaksOffIsAnErrorNotAShortBody() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread answering = answering(() -> answerOnce(server,
          "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 100\r\n\r\n{\"resource"));
      upstream = upstream("http://127.0.0.1:" + server.getLocalPort() + "/fhir");

      try (InputStream body = get("/Patient/1").body()) {
        assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("broke off");
      }
      answering.join();
    }
  }

  @Test
  void anUpstreamThatHangsUpBeforeItsHeadersIsA502AtOnce() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread answering = answering(() -> answerOnce(server, ""));
      upstream = upstream("http://127.0.0.1:" + server.getLocalPort() + "/fhir");
      long started = System.nanoTime();

      assertThatThrownBy(() -> upstream.send("POST", "/Patient", Map.of(), Upstream.Body.NONE))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(502));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the 30 s timeout")
          .isLessThan(Duration.ofSeconds(20));
      answering.join();
    }
  }

  private static Thread answering(Runnable answer) {
    Thread thread = new Thread(answer, "raw-upstream");
    thread.start();
    return thread;
  }

  /** Takes one connection, reads its request's head, writes {@code raw} and hangs up. */
  private static void answerOnce(ServerSocket server, String raw) {
    try (Socket socket = server.accept()) {
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int read = in.read();
        if (read < 0) {
          return;
        }
        head.append((char) read);
      }
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitReady(InputStream body) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!AnswerBody.ready(body) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(AnswerBody.ready(body)).isTrue();
  }
}
