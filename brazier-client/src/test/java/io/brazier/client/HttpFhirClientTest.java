package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpFhirClientTest {
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        seen.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery() + " "
            + exchange.getRequestHeaders().getFirst("x-bundle-processing-logic") + " "
            + exchange.getRequestHeaders().getFirst("Accept"));
        byte[] body = "{}".getBytes();
        exchange.getResponseHeaders().set("X-Request-Id", "r-1");
        exchange.sendResponseHeaders(201, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void tokenBarsArePercentEncodedAndConfiguredHeadersGoWithEveryRequest() throws Exception {
    HttpFhirClient target = new HttpFhirClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
        + "/fhir"), Optional.empty(), Duration.ofSeconds(10), Map.of("x-bundle-processing-logic", "parallel"));

    FhirReply reply = target.send(FhirCall.get("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|99"));

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.header("x-request-id")).contains("r-1");
    assertThat(seen).containsExactly(
        "/fhir/Practitioner?identifier=http://hl7.org/fhir/sid/us-npi%7C99 parallel application/fhir+json");
  }

  @Test
  void aBaseWithATrailingSlashIsTheSameBase() throws Exception {
    HttpFhirClient target = new HttpFhirClient(URI.create(base() + "/"), Optional.empty(), Duration.ofSeconds(10));

    target.send(FhirCall.get("Patient?_id=1"));

    assertThat(target.name()).isEqualTo(base());
    assertThat(seen).singleElement().asString().startsWith("/fhir/Patient?_id=1 ");
  }

  @Test
  void spacesAndQuotesArePercentEncodedAndAStrayPercentIsAnIoExceptionNamingTheUrl() throws Exception {
    HttpFhirClient target = new HttpFhirClient(URI.create(base()), Optional.empty(), Duration.ofSeconds(10));

    target.send(FhirCall.get("Patient?name=van der \"Berg\""));

    assertThat(seen).singleElement().asString().startsWith("/fhir/Patient?name=van%20der%20%22Berg%22 ");
    assertThatThrownBy(() -> target.send(FhirCall.get("Observation?value-quantity=100%")))
        .isInstanceOf(IOException.class).hasMessageContaining("value-quantity=100%");
  }

  @Test
  void aRefusalWithoutCredentialsIsAnsweredOnceNotTriedAgain() throws Exception {
    server.removeContext("/");
    server.createContext("/", exchange -> {
      try (exchange) {
        seen.add(exchange.getRequestURI().getPath());
        exchange.sendResponseHeaders(401, -1);
      }
    });
    HttpFhirClient target = new HttpFhirClient(URI.create(base()), Optional.empty(), Duration.ofSeconds(10));

    FhirReply reply = target.send(FhirCall.get("Patient"));

    assertThat(reply.status()).isEqualTo(401);
    assertThat(seen).hasSize(1);
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsATimeoutNotAHang() {
    server.removeContext("/");
    CountDownLatch released = new CountDownLatch(1);
    server.createContext("/", exchange -> {
      try (exchange) {
        released.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    HttpFhirClient target = new HttpFhirClient(URI.create(base()), Optional.empty(), Duration.ofMillis(300));

    try {
      assertThatThrownBy(() -> target.send(FhirCall.get("Patient"))).isInstanceOf(HttpTimeoutException.class);
    } finally {
      released.countDown();
    }
  }

  @Test
  void anUnreachableServerIsAnIoException() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HttpFhirClient target = new HttpFhirClient(URI.create("http://127.0.0.1:" + closed + "/fhir"), Optional.empty(),
        Duration.ofSeconds(10));

    assertThatThrownBy(() -> target.send(FhirCall.get("metadata"))).isInstanceOf(ConnectException.class)
        .hasMessage("http://127.0.0.1:" + closed + "/fhir refused the connection");
  }

  @Test
  void anUnknownHostIsAnIoExceptionNamingIt() {
    HttpFhirClient target = new HttpFhirClient(URI.create("http://no-such-host.invalid/fhir"), Optional.empty(),
        Duration.ofSeconds(10));

    assertThatThrownBy(() -> target.send(FhirCall.get("metadata"))).isInstanceOf(ConnectException.class)
        .hasMessage("the host of http://no-such-host.invalid/fhir is unknown (no-such-host.invalid)");
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
  }
}
