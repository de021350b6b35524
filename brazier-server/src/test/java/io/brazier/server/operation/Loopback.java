package io.brazier.server.operation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real HTTP server on a loopback port that serves the files of a folder, as a storage service would: 200 with an
 * ETag, 404 for a file that is not there, and {@code /moved/...} redirecting to the file.
 */
final class Loopback implements AutoCloseable {
  private final HttpServer server;
  private final Path root;

  Loopback(Path root) {
    this.root = root;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    if (name.startsWith("moved/")) {
      exchange.getResponseHeaders().add("Location", url(name.substring("moved/".length())));
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
      return;
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

  @Override
  public void close() {
    server.stop(0);
  }
}
