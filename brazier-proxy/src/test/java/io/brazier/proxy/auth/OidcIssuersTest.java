package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.sun.net.httpserver.HttpServer;
import io.brazier.proxy.IdentityProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect discovery over real HTTP: an issuer's keys are found through its discovery document, and a
 * document that names another issuer, or no http(s) key set, is refused with what is wrong with it.
 */
class OidcIssuersTest {
  private static final IdentityProvider ISSUER = new IdentityProvider();
  private static final RSAKey KEY = IdentityProvider.rsaKey();
  private static final OidcIssuers DISCOVERY = new OidcIssuers(new DefaultResourceRetriever(2_000, 2_000));
  private static final HttpServer MISCONFIGURED = misconfigured();

  @AfterAll
  static void stop() {
    ISSUER.close();
    MISCONFIGURED.stop(0);
  }

  @Test
  void theKeysAreTheIssuersPublicKeysFoundThroughItsDiscoveryDocument() throws Exception {
    ISSUER.publish(KEY);

    var keys = DISCOVERY.keys(ISSUER.issuer() + "/");

    assertThat(keys.getKeys()).extracting(JWK::getKeyID).containsExactly(KEY.getKeyID());
    assertThat(keys.getKeys()).noneMatch(JWK::isPrivate);
  }

  @Test
  void aDocumentNamingAnotherIssuerIsRefused() {
    try (IdentityProvider impostor = new IdentityProvider()) {
      impostor.publish(KEY);
      impostor.claimIssuer("https://login.example.org/tenant");

      assertThatThrownBy(() -> DISCOVERY.keys(impostor.issuer())).isInstanceOf(IOException.class)
          .hasMessageContaining("names the issuer https://login.example.org/tenant, not " + impostor.issuer());
    }
  }

  @Test
  void aDocumentWithoutAnHttpKeySetIsRefused() {
    for (String issuer : new String[] {"/none", "/file", "/relative"}) {
      assertThatThrownBy(() -> DISCOVERY.keys(base() + issuer)).as(issuer).isInstanceOf(IOException.class)
          .hasMessageContaining("has no jwks_uri that is an http or https URL");
    }
  }

  @Test
  void anIssuerThatIsDownIsAnIoError() {
    IdentityProvider gone = new IdentityProvider();
    gone.close();

    assertThatThrownBy(() -> DISCOVERY.keys(gone.issuer())).isInstanceOf(IOException.class);
  }

  private static String base() {
    return "http://127.0.0.1:" + MISCONFIGURED.getAddress().getPort();
  }

  /** Issuers whose discovery documents name themselves but no key set a verifier could fetch over HTTP. */
  private static HttpServer misconfigured() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext("/", exchange -> {
        String issuer = exchange.getRequestURI().getPath().replace("/.well-known/openid-configuration", "");
        String jwks = switch (issuer) {
          case "/file" -> ",\"jwks_uri\":\"file:///etc/passwd\"";
          case "/relative" -> ",\"jwks_uri\":\"/keys\"";
          default -> "";
        };
        byte[] body = ("{\"issuer\":\"http://127.0.0.1:" + exchange.getLocalAddress().getPort() + issuer + "\""
            + jwks + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      http.start();
      return http;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
