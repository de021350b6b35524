package io.brazier.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

/** A local port nothing listens on (one the system gave and was given back): where a server is not there. */
public final class ClosedPort {
  private ClosedPort() {}

  public static int port() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not take a free port", e);
    }
  }

  /** {@code 127.0.0.1:<a closed port>}: where no broker or database answers. */
  public static String address() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:<a closed port><path>}. */
  public static URI url(String path) {
    return URI.create("http://" + address() + path);
  }
}
