package io.brazier.proxy.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A FHIR server that answers as a test scripts it, over real HTTP (the JDK's server), and remembers every request
 * it got: for what a real server will not do on demand (429s, a token endpoint, a body written slowly).
 */
public final class StubUpstream implements AutoCloseable {
  /** How the stub answers one request. */
  public interface Answer {
    void answer(HttpExchange exchange) throws IOException;
  }

  /** A request as the stub got it. */
  public record Received(String method, String uri, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> String.join(", ", e.getValue())).orElse(null);
    }
  }

  private final HttpServer http;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public StubUpstream(Answer fhir) {
    try {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/token", exchange -> send(exchange, 200, "application/json",
        "{\"access_token\":\"proxy-own-token\",\"expires_in\":3600}"));
    http.createContext("/fhir", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
      fhir.answer(exchange);
    });
    http.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir";
  }

  String tokenUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/token";
  }

  public List<Received> received() {
    return received;
  }

  public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
