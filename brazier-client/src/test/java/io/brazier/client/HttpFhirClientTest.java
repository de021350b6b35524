package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
}
