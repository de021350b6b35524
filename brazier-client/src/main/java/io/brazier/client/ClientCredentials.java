package io.brazier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * OAuth2 client-credentials tokens for the target server (RFC 6749 section 4.4): a {@code scope} (OAuth2, Azure AD
 * v2) or a {@code resource} (Azure AD v1). A token is reused until a minute before it expires (a tenth of its
 * lifetime for short ones), so a long load never sends an expired one.
 */
public final class ClientCredentials {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  /** Where and how to ask for tokens; exactly one of scope and resource, or neither. */
  public record Config(URI tokenUrl, String clientId, String clientSecret, String scope, String resource) {
    public Config {
      if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
        throw new IllegalArgumentException("--token-url needs --client-id and --client-secret");
      }
      if (scope != null && resource != null) {
        throw new IllegalArgumentException("give --scope (OAuth2, Azure AD v2) or --resource (Azure AD v1), not both");
      }
    }
  }

  private record Token(String value, Instant refreshAt) {}

  private final Config config;
  private final Clock clock;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Token token;

  public ClientCredentials(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** A valid access token: the current one, or a new one when it is due for refresh or {@code fresh} is asked. */
  public synchronized String token(boolean fresh) throws IOException {
    if (fresh || token == null || !clock.instant().isBefore(token.refreshAt())) {
      token = fetch();
    }
    return token.value();
  }

  private Token fetch() throws IOException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", config.clientId());
    form.put("client_secret", config.clientSecret());
    if (config.scope() != null) {
      form.put("scope", config.scope());
    }
    if (config.resource() != null) {
      form.put("resource", config.resource());
    }
    String body = form.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(config.tokenUrl())
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(BodyPublishers.ofString(body))
        .build();
    Instant asked = clock.instant();
    try {
      var response = client.send(request, BodyHandlers.ofString());
      return parse(response.statusCode(), response.body(), asked);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while asking " + config.tokenUrl() + " for a token");
    }
  }

  private Token parse(int status, String body, Instant asked) throws IOException {
    JsonNode answer;
    try {
      answer = JSON.readTree(body);
    } catch (IOException e) {
      answer = JSON.createObjectNode();
    }
    if (status != 200 || !answer.path("access_token").isTextual()) {
      // The answer's error and error_description say what is wrong (never the token or the secret).
      String refusal = "The token endpoint " + config.tokenUrl() + " refused client " + config.clientId()
          + " with status " + status + ": " + answer.path("error").asText("no error given") + " "
          + answer.path("error_description").asText("");
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        throw new TokenRefused(refusal.strip() + " (check --client-id, the secret, and --scope or --resource)");
      }
      throw new IOException(refusal);
    }
    // Azure AD v1 sends expires_in as a string; a missing one means the token lasts an hour, as is usual.
    long lifetime = answer.has("expires_in") ? Long.parseLong(answer.get("expires_in").asText()) : 3600;
    long early = Math.min(60, Math.max(1, lifetime / 10));
    return new Token(answer.get("access_token").asText(), asked.plusSeconds(lifetime - early));
  }
}
