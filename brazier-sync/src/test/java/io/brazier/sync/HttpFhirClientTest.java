package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client against a plain HTTP server standing in for a FHIR server, which records what it was sent and
 * accepts only the token {@code fresh-2}.
 */
class HttpFhirClientTest {
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server = start();
  private final URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir/");

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aCallGoesBelowTheBaseAndItsAnswerComesBackWhole() throws Exception {
    HttpFhirClient client = new HttpFhirClient(base, Duration.ofSeconds(10));

    FhirReply reply = client.send(new FhirCall("POST", "Patient/_search?name=Chalmers",
        Map.of("Prefer", "return=minimal"), "{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(requests).containsExactly("POST /fhir/Patient/_search?name=Chalmers Accept=application/fhir+json"
        + " Prefer=return=minimal body={}");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("etag")).isEqualTo("W/\"1\"");
    assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("{\"resourceType\": \"Bundle\"}");
    assertThat(client.name()).isEqualTo("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
    assertThat(authorizations).containsExactly("none");
  }

  @Test
  void aRefusedTokenIsReplacedByAFreshOneAndTheCallTriedOnceMore() throws Exception {
    HttpFhirClient client = new HttpFhirClient(base, Duration.ofSeconds(10),
        fresh -> fresh ? "fresh-2" : "stale-1");

    FhirReply reply = client.get("Patient/1");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(authorizations).containsExactly("Bearer stale-1", "Bearer fresh-2");
  }

  @Test
  void aTokenRefusedTwiceIsTheServersAnswer() throws Exception {
    HttpFhirClient client = new HttpFhirClient(base, Duration.ofSeconds(10), fresh -> "revoked");

    FhirReply reply = client.get("Patient/1");

    assertThat(reply.status()).isEqualTo(401);
    assertThat(authorizations).hasSize(2);
  }

  @Test
  void aServerThatIsNotThereIsAnIoException() {
    server.stop(0);
    HttpFhirClient client = new HttpFhirClient(base, Duration.ofSeconds(10));

    assertThatThrownBy(() -> client.get("Patient/1")).isInstanceOf(IOException.class);
  }

  private HttpServer start() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext("/fhir/", this::answer);
      http.start();
      return http;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    authorizations.add(authorization == null ? "none" : authorization);
    String prefer = exchange.getRequestHeaders().getFirst("Prefer");
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " Accept="
        + exchange.getRequestHeaders().getFirst("Accept") + (prefer == null ? "" : " Prefer=" + prefer) + " body="
        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    boolean allowed = authorization == null || authorization.equals("Bearer fresh-2");
    byte[] body = (allowed ? "{\"resourceType\": \"Bundle\"}" : "{\"resourceType\": \"OperationOutcome\"}")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("ETag", "W/\"1\"");
    exchange.sendResponseHeaders(allowed ? 200 : 401, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
