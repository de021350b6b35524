package io.brazier.server.operation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on a loopback port that serves the files of a folder, as a storage service would: 200 with an
 * ETag, 404 for a file that is not there, {@code /moved/...} redirecting to the file, {@code /elsewhere/...}
 * redirecting to it on the host {@code localhost} (not the {@code 127.0.0.1} of {@link #hostPort}), and
 * {@code /busy/...} answering
 * 503 to the second request for the file (the first being the kick-off's check), as a service under load may, and
 * {@code /replaced/...} sending half of the file to the second request, then replacing it with its {@code .next}
 * (another version, another size, so another ETag) and breaking off, as a file rewritten while it is read, and
 * {@code /endless/...} sending a line that never ends, until its client stops reading it, and {@code /failing/...}
 * answering 500 to every request, as a service that is down. Each request has a thread
 * of its own.
 */
final class Loopback implements AutoCloseable {
  private final HttpServer server;
  private final Path root;
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger endlessStarted = new AtomicInteger();
  private final AtomicInteger endlessSending = new AtomicInteger();
  private volatile boolean closed;

  Loopback(Path root) {
    this.root = root;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::serve);
    server.start();
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String url(String name) {
    return "http://" + hostPort() + "/" + name;
  }

  private void serve(HttpExchange exchange) throws IOException {
    String name = exchange.getRequestURI().getPath().substring(1);
    if (name.startsWith("moved/") || name.startsWith("elsewhere/")) {
      String file = name.substring(name.indexOf('/') + 1);
      exchange.getResponseHeaders().add("Location", name.startsWith("moved/") ? url(file)
          : "http://localhost:" + server.getAddress().getPort() + "/" + file);
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
      return;
    }
    if (name.startsWith("endless/")) {
      sendEndlessLine(exchange);
      return;
    }
    if (name.startsWith("failing/")) {
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
      return;
    }
    if (name.startsWith("busy/")) {
      name = name.substring("busy/".length());
      if (requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet() == 2) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
    }
    if (name.startsWith("replaced/")) {
      name = name.substring("replaced/".length());
      if (requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet() == 2) {
        sendHalfAndReplace(exchange, root.resolve(name));
        return;
      }
    }
    Path file = root.resolve(name).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().add("ETag", "\"" + Files.size(file) + "\"");
    exchange.sendResponseHeaders(200, Files.size(file));
    try (OutputStream out = exchange.getResponseBody()) {
      Files.copy(file, out);
    }
  }

  /** How many answers of {@code /endless/...} were started. */
  int endlessStarted() {
    return endlessStarted.get();
  }

  /** How many answers of {@code /endless/...} are still being sent: each ends once its client stops reading. */
  int endlessSending() {
    return endlessSending.get();
  }

  private void sendEndlessLine(HttpExchange exchange) {
    endlessStarted.incrementAndGet();
    endlessSending.incrementAndGet();
    byte[] more = "x".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
    try {
      exchange.sendResponseHeaders(200, 0); // chunked: no end in sight
      OutputStream out = exchange.getResponseBody();
      out.write("{\"resourceType\":\"Patient\",\"id\":\"".getBytes(StandardCharsets.US_ASCII));
      while (!closed) {
        out.write(more);
      }
    } catch (IOException e) {
      // the client stopped reading
    } finally {
      exchange.close();
      endlessSending.decrementAndGet();
    }
  }

  private static void sendHalfAndReplace(HttpExchange exchange, Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    exchange.getResponseHeaders().add("ETag", "\"" + bytes.length + "\"");
    exchange.sendResponseHeaders(200, bytes.length);
    OutputStream out = exchange.getResponseBody();
    out.write(bytes, 0, bytes.length / 2);
    out.flush();
    Files.move(file.resolveSibling(file.getFileName() + ".next"), file, StandardCopyOption.REPLACE_EXISTING);
    exchange.close(); // short of its length: the connection breaks off
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }
}
