package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Resource;

/**
 * Raw HTTP to a test server with java.net.http: for bad bodies, headers the HAPI client does not send, and answers
 * it does not show. Paths are below the server's root ({@code /fhir/Patient/1}, {@code /healthz}).
 */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final TestServer server;

  Http(TestServer server) {
    this.server = server;
  }

  /** An answer: status, headers and the body as bytes, as it came over the wire (not decompressed). */
  public record Response(int status, java.net.http.HttpHeaders headers, byte[] bytes, TestServer server) {
    public String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public <T extends Resource> T resource(Class<T> type) {
      boolean xml = header("Content-Type").orElse("").contains("xml");
      var parser = xml ? server.fhir().xmlParser() : server.fhir().jsonParser();
      return parser.parseResource(type, body());
    }
  }

  public Response get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  public Response post(String path, String body, String... headers) {
    return send("POST", path, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  public Response put(String path, String body, String... headers) {
    return send("PUT", path, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  /**
   * Sends a request; {@code headers} are name, value, name, value... A name given twice is sent twice, as two
   * header lines.
   */
  public Response send(String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.rootUrl() + path))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", "application/fhir+json");
    }
    Set<String> given = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.length; i += 2) {
      if (given.add(headers[i])) {
        request.setHeader(headers[i], headers[i + 1]);
      } else {
        request.header(headers[i], headers[i + 1]);
      }
    }
    try {
      var response = CLIENT.send(request.build(), BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers(), response.body(), server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends bytes as they are, for requests no HTTP client would send; the whole answer, headers and body. */
  public String raw(String request) {
    try (Socket socket = new Socket("127.0.0.1", URI.create(server.rootUrl()).getPort())) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends a request that must be refused, and checks what every refusal owes: the status, an OperationOutcome with
   * an error, and nothing written.
   */
  public OperationOutcome refused(int status, String method, String path, byte[] body, String... headers) {
    long before = server.lastChange();

    Response response = send(method, path, body, headers);

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("fhir+"));
    OperationOutcome outcome = response.resource(OperationOutcome.class);
    assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
    assertThat(server.changesSince(before)).as("changes written by a refused request").isEmpty();
    return outcome;
  }

  public OperationOutcome refused(int status, String method, String path, String body, String... headers) {
    return refused(status, method, path, body.getBytes(StandardCharsets.UTF_8), headers);
  }
}
