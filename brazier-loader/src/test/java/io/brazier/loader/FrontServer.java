package io.brazier.loader;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;

/**
 * A server in front of the test server, for a loader to meet what a real server answers at times (throttling, an
 * outage, refused writes): a {@link Handler} answers the writes; reads pass to the real server (metadata, and a read
 * that tells whether the server wants a token).
 */
final class FrontServer {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private FrontServer() {}

  interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** Started; its FHIR base is {@code http://127.0.0.1:[port]/fhir}. */
  static HttpServer serve(TestServer real, Handler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (exchange.getRequestMethod().equals("GET")) {
          forward(real, exchange, new byte[0]);
        } else {
          handler.handle(exchange);
        }
      }
    });
    server.start();
    return server;
  }

  /** Passes the request on to the real server and its answer back. */
  static void forward(TestServer real, HttpExchange exchange, byte[] body) throws IOException {
    String path = exchange.getRequestURI().getRawPath().substring("/fhir".length());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(real.baseUrl() + path))
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/fhir+json");
    try {
      var answer = HTTP.send(request.build(), BodyHandlers.ofByteArray());
      byte[] bytes = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  static void reply(HttpExchange exchange, int status, String retryAfter, String body) throws IOException {
    if (retryAfter != null) {
      exchange.getResponseHeaders().set("Retry-After", retryAfter);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
