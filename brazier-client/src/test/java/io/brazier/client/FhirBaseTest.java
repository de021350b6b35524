package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A web server with a FHIR base at /fhir: its root answers 404 for metadata, /fhir its CapabilityStatement. */
class FhirBaseTest {
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        exchange.sendResponseHeaders(404, -1);
      }
    });
    server.createContext("/fhir/metadata", exchange -> {
      try (exchange) {
        byte[] body = """
            {"resourceType":"CapabilityStatement","status":"active","fhirVersion":"4.0.1","kind":"instance"}"""
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
        exchange.sendResponseHeaders(200, body.length);
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
  void aServerAnswering404ForMetadataIsNoFhirBaseAndTheSentenceNamesTheUrlToGive() throws Exception {
    String root = "http://127.0.0.1:" + server.getAddress().getPort();
    HttpFhirClient client = new HttpFhirClient(URI.create(root), Optional.empty(), Duration.ofSeconds(10));

    Optional<String> whyNot = FhirBase.whyNot(client.name(), client.send(FhirBase.METADATA));

    assertThat(whyNot).contains("No FHIR server answers at " + root + ": GET metadata answered 404. Give the FHIR"
        + " base URL, such as http://localhost:8080/fhir");
  }

  @Test
  void aServerAnsweringItsCapabilityStatementIsAFhirBase() throws Exception {
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    HttpFhirClient client = new HttpFhirClient(URI.create(base), Optional.empty(), Duration.ofSeconds(10));

    FhirReply metadata = client.send(FhirBase.METADATA);

    assertThat(metadata.json().path("resourceType").asText()).isEqualTo("CapabilityStatement");
    assertThat(FhirBase.whyNot(client.name(), metadata)).isEmpty();
  }
}
