package io.brazier.client;

import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;

/**
 * Why a server could not be reached, in words: Java's HTTP client throws a ConnectException without a message,
 * which the loader, the exporter, the sync agent and its commands printed as "null".
 */
public final class ConnectFailures {
  private ConnectFailures() {}

  /** A ConnectException saying why {@code name} (a URL) could not be reached, caused by {@code e}. */
  public static ConnectException named(String name, ConnectException e) {
    boolean unknownHost = false;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      unknownHost |= cause instanceof UnresolvedAddressException;
    }
    ConnectException named = new ConnectException(unknownHost
        ? "the host of " + name + " is unknown (" + URI.create(name).getHost() + ")"
        : name + " refused the connection");
    named.initCause(e);
    return named;
  }
}
