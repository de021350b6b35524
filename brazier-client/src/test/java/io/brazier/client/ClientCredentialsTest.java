package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client-credentials tokens from a real token endpoint over HTTP, as Azure AD v1 and OAuth2 servers answer. */
class ClientCredentialsTest {
  private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final MovableClock clock = new MovableClock();
  private HttpServer server;
  private volatile boolean revoked;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/fhir", this::fhir);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theClientSecretAndScopeAreSentAsAFormAndTheTokenIsReusedUntilAMinuteBeforeItExpires() throws IOException {
    ClientCredentials credentials = credentials("https://fhir.example/.default", null);

    String first = credentials.token(false);
    clock.advance(Duration.ofMinutes(58));
    String stillFirst = credentials.token(false);
    clock.advance(Duration.ofSeconds(61));
    String second = credentials.token(false);

    assertThat(stillFirst).isEqualTo(first);
    assertThat(second).isNotEqualTo(first);
    assertThat(tokenRequests).hasSize(2);
    assertThat(tokenRequests.get(0)).containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", "loader").containsEntry("client_secret", "s3cret")
        .containsEntry("scope", "https://fhir.example/.default").doesNotContainKey("resource");
  }

  @Test
  void anAzureAdV1ResourceIsSentInsteadOfAScope() throws IOException {
    credentials(null, "https://fhir.example").token(false);

    assertThat(tokenRequests.get(0)).containsEntry("resource", "https://fhir.example").doesNotContainKey("scope");
  }

  @Test
  void theTargetSendsTheBearerTokenAndFetchesANewOneWhenTheServerRevokedIt() throws IOException {
    HttpFhirClient target = new HttpFhirClient(URI.create("http://127.0.0.1:" + port() + "/fhir"),
        Optional.of(credentials("x", null)), Duration.ofSeconds(10));

    FhirReply before = target.send(FhirCall.get("metadata"));
    revoked = true;
    FhirReply after = target.send(FhirCall.get("metadata"));

    assertThat(before.status()).isEqualTo(200);
    assertThat(after.status()).isEqualTo(200);
    assertThat(authorizations).containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
  }

  @Test
  void aRefusedClientIsAnErrorThatSaysWhyWithoutTheSecret() {
    ClientCredentials wrong = new ClientCredentials(new ClientCredentials.Config(
        URI.create("http://127.0.0.1:" + port() + "/token"), "intruder", "bad", null, null), clock);

    assertThatThrownBy(() -> wrong.token(false)).isInstanceOf(TokenRefused.class)
        .hasMessageContaining("invalid_client").hasMessageContaining("401").hasMessageNotContaining("bad");
  }

  @Test
  void aScopeAndAResourceTogetherAreRefused() {
    assertThatThrownBy(() -> new ClientCredentials.Config(URI.create("http://t"), "a", "b", "s", "r"))
        .hasMessageContaining("--scope").hasMessageContaining("--resource");
  }

  private ClientCredentials credentials(String scope, String resource) {
    return new ClientCredentials(new ClientCredentials.Config(URI.create("http://127.0.0.1:" + port() + "/token"),
        "loader", "s3cret", scope, resource), clock);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> form = Stream.of(new String(exchange.getRequestBody().readAllBytes(),
            StandardCharsets.UTF_8).split("&")).map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    tokenRequests.add(form);
    if (!"s3cret".equals(form.get("client_secret"))) {
      answer(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}");
      return;
    }
    // Azure AD v1 writes expires_in as a string.
    answer(exchange, 200, "{\"access_token\":\"token-" + tokenRequests.size() + "\",\"expires_in\":\"3600\"}");
  }

  private void fhir(HttpExchange exchange) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    authorizations.add(authorization);
    boolean valid = revoked ? "Bearer token-2".equals(authorization) : "Bearer token-1".equals(authorization);
    answer(exchange, valid ? 200 : 401, "{\"resourceType\":\"CapabilityStatement\"}");
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A clock the test moves forward. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
