package io.brazier.app;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tokens an export job asks for another server ({@code _audience}), from a real token endpoint over HTTP. */
class TokenOptionsTest {
  private final List<Map<String, String>> asked = new CopyOnWriteArrayList<>();
  private HttpServer tokens;

  @BeforeEach
  void start() throws IOException {
    tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tokens.createContext("/token", this::token);
    tokens.start();
  }

  @AfterEach
  void stop() {
    tokens.stop(0);
  }

  @Test
  void withAScopeAnotherAudienceIsAskedForAsItsDefaultScope() throws IOException {
    TokenOptions options = options();
    options.scope = "https://own.example/.default";

    options.credentials("https://other.example/").orElseThrow().token(false);

    assertThat(asked.get(0)).containsEntry("scope", "https://other.example/.default")
        .containsEntry("client_id", "loader").doesNotContainKey("resource");
  }

  @Test
  void otherwiseAnotherAudienceIsAskedForAsTheAzureAdV1Resource() throws IOException {
    TokenOptions options = options();
    options.resource = "https://own.example";

    options.credentials("https://other.example").orElseThrow().token(false);

    assertThat(asked.get(0)).containsEntry("resource", "https://other.example").doesNotContainKey("scope");
  }

  @Test
  void withoutATokenUrlNoTokenIsAskedFor() {
    TokenOptions none = new TokenOptions();

    assertThat(none.credentials("https://other.example")).isEmpty();
    assertThat(none.asksForTokens()).isFalse();
    assertThat(options().asksForTokens()).isTrue();
    assertThatThrownBy(() -> {
      TokenOptions halfDone = options();
      halfDone.clientSecret = null;
      halfDone.credentials("https://other.example");
    }).hasMessage("--token-url needs --client-id and --client-secret");
  }

  private TokenOptions options() {
    TokenOptions options = new TokenOptions();
    options.tokenUrl = URI.create("http://127.0.0.1:" + tokens.getAddress().getPort() + "/token");
    options.clientId = "loader";
    options.clientSecret = "s3cret";
    return options;
  }

  private void token(HttpExchange exchange) throws IOException {
    asked.add(Stream.of(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8))));
    byte[] body = "{\"access_token\":\"t\",\"expires_in\":3600}".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
