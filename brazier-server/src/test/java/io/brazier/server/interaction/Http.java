package io.brazier.server.interaction;

import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.OperationOutcome;

/** Raw HTTP for bodies the HAPI client would not send: broken JSON, unknown elements, oversized bundles. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private Http() {}

  static HttpResponse<String> post(String baseUrl, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl))
        .header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> post(String body) {
    return post(TestServer.shared().baseUrl(), body);
  }

  static OperationOutcome outcome(HttpResponse<String> response) {
    return TestServer.shared().fhir().jsonParser().parseResource(OperationOutcome.class, response.body());
  }
}
