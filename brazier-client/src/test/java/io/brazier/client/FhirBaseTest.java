package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FhirBaseTest {
  private static final byte[] CAPABILITIES = """
      {"resourceType":"CapabilityStatement","status":"active","fhirVersion":"4.0.1","kind":"instance"}"""
      .getBytes(StandardCharsets.UTF_8);

  private static HttpServer server;

  /** A web server with a FHIR base at /fhir: its metadata answers a CapabilityStatement, any other path 404. */
  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/fhir/metadata", exchange -> {
      try (exchange) {
        exchange.sendResponseHeaders(200, CAPABILITIES.length);
        exchange.getResponseBody().write(CAPABILITIES);
      }
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void aServerAnswering404ForMetadataIsNoFhirBaseAndTheSentenceNamesTheUrlToGive() throws Exception {
    HttpFhirClient root = client("");

    Optional<String> whyNot = FhirBase.whyNot(root.name(), root.send(FhirBase.METADATA));

    assertThat(whyNot).contains("No FHIR server answers at " + root.name() + ": GET metadata answered 404. Give the"
        + " FHIR base URL, such as http://localhost:8080/fhir");
  }

  @Test
  void aServerAnsweringItsCapabilityStatementIsAFhirBase() throws Exception {
    HttpFhirClient base = client("/fhir");

    FhirReply metadata = base.send(FhirBase.METADATA);

    assertThat(metadata.json().path("resourceType").asText()).isEqualTo("CapabilityStatement");
    assertThat(FhirBase.whyNot(base.name(), metadata)).isEmpty();
  }

  private HttpFhirClient client(String path) {
    return new HttpFhirClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
        Optional.empty(), Duration.ofSeconds(10));
  }
}
