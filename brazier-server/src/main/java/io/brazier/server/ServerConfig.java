package io.brazier.server;

import java.util.List;

/**
 * How the FHIR server behaves. {@code baseUrl} null means: derive it from each request (and from
 * X-Forwarded-Proto/Host when {@code trustForwardedHeaders}).
 */
public record ServerConfig(
    String host,
    int port,
    String baseUrl,
    boolean trustForwardedHeaders,
    long maxBodyBytes,
    List<String> corsOrigins,
    boolean lenient,
    int conditionalDeleteMax,
    int historyPageSize) {

  public static final long DEFAULT_MAX_BODY_BYTES = 128L * 1024 * 1024;

  public ServerConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("--max-body-bytes must be at least 1024, not " + maxBodyBytes);
    }
    if (conditionalDeleteMax < 1) {
      throw new IllegalArgumentException("--conditional-delete-max must be at least 1, not " + conditionalDeleteMax);
    }
    if (historyPageSize < 1) {
      throw new IllegalArgumentException("--page-size must be at least 1, not " + historyPageSize);
    }
    if (baseUrl != null && baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** The defaults of {@code brazier serve}. */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8080, null, false, DEFAULT_MAX_BODY_BYTES, List.of(), false, 100, 20);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, baseUrl, trustForwardedHeaders, maxBodyBytes, corsOrigins, lenient,
        conditionalDeleteMax, historyPageSize);
  }

  /** The base URL, and whether X-Forwarded-Proto/Host may set it: how a proxy in front is configured. */
  public ServerConfig withBaseUrl(String newBaseUrl, boolean trustForwarded) {
    return new ServerConfig(host, port, newBaseUrl, trustForwarded, maxBodyBytes, corsOrigins, lenient,
        conditionalDeleteMax, historyPageSize);
  }

  /** The most one request may send, and the most one conditional delete may remove. */
  public ServerConfig withLimits(long newMaxBodyBytes, int newConditionalDeleteMax) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, newMaxBodyBytes, corsOrigins, lenient,
        newConditionalDeleteMax, historyPageSize);
  }

  public ServerConfig withLenient(boolean newLenient) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, corsOrigins, newLenient,
        conditionalDeleteMax, historyPageSize);
  }

  public ServerConfig withCorsOrigins(List<String> newCorsOrigins) {
    return new ServerConfig(host, port, baseUrl, trustForwardedHeaders, maxBodyBytes, newCorsOrigins, lenient,
        conditionalDeleteMax, historyPageSize);
  }
}
