package io.brazier.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A FHIR server of another make, as a test scripts it: each path and query gets its answers in turn (the last one
 * again once they are spent), anything else a 404. It misbehaves in ways Brazier never does: links to its own host
 * name, throttling, bodies that are not what they should be.
 */
public final class ScriptedFhirServer implements AutoCloseable {
  private final HttpServer server;
  private final String path;
  private final Map<String, Supplier<Answer>> script = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();

  /** One answer: status, headers and body. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public static Answer ok(String body) {
      return new Answer(200, Map.of(), body);
    }
  }

  /** A server whose FHIR base is {@code path} ({@code /r4}). */
  public ScriptedFhirServer(String path) {
    this.path = path;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(path, this::answer);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** What {@code pathAndQuery} below the base answers, in turn. */
  public void script(String pathAndQuery, Answer... answers) {
    AtomicInteger next = new AtomicInteger();
    script.put(path + "/" + pathAndQuery, () -> answers[Math.min(next.getAndIncrement(), answers.length - 1)]);
  }

  /** The paths and queries asked so far, in order, as sent (raw). */
  public List<String> asked() {
    return List.copyOf(asked);
  }

  /** Forgets the script and what was asked. */
  public void reset() {
    script.clear();
    asked.clear();
  }

  private void answer(HttpExchange exchange) throws IOException {
    String pathAndQuery = exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
    asked.add(pathAndQuery);
    Supplier<Answer> scripted = script.get(pathAndQuery);
    Answer answer = scripted == null ? new Answer(404, Map.of(), "") : scripted.get();
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
