package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.sun.net.httpserver.HttpServer;
import io.brazier.proxy.IdentityProvider;
import io.brazier.proxy.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect discovery over real HTTP: an issuer's keys are found through its discovery document, and a
 * document that names another issuer, or no http(s) key set, is refused with what is wrong with it. Where an
 * issuer signs users in is read from the same document, kept until it is an hour old.
 */
class OidcIssuersTest {
  private static final IdentityProvider ISSUER = new IdentityProvider();
  private static final RSAKey KEY = IdentityProvider.rsaKey();
  private static final OidcIssuers DISCOVERY = discovery(Clock.systemUTC());
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

  @Test
  void whereAnIssuerSignsUsersInComesFromTheDocumentTheKeysWereFoundThrough() throws Exception {
    try (IdentityProvider login = new IdentityProvider()) {
      login.publish(KEY);
      login.signUsersInAt("/oauth2");
      OidcIssuers discovery = discovery(Clock.systemUTC());

      discovery.keys(login.issuer());
      LaunchEndpoints endpoints = discovery.launch(login.issuer()).orElseThrow();

      assertThat(endpoints.issuer()).isEqualTo(login.issuer());
      assertThat(endpoints.authorization()).isEqualTo(login.issuer() + "/oauth2/authorize");
      assertThat(endpoints.token()).isEqualTo(login.issuer() + "/oauth2/token");
      assertThat(endpoints.jwks()).isEqualTo(login.issuer() + "/jwks");
      assertThat(endpoints.authMethods()).containsExactly("client_secret_basic", "private_key_jwt");
      assertThat(login.documentFetches()).as("the document read for the keys is not read again").isEqualTo(1);
    }
  }

  @Test
  void anIssuerThatMovesItsEndpointsIsFollowedOnceTheDocumentIsAnHourOld() {
    try (IdentityProvider login = new IdentityProvider()) {
      login.signUsersInAt("/v1");
      MutableClock clock = new MutableClock(Instant.parse("2026-12-07T04:00:00Z"));
      OidcIssuers discovery = discovery(clock);
      discovery.launch(login.issuer());

      login.signUsersInAt("/v2");
      clock.advance(Duration.ofMinutes(59));
      String kept = discovery.launch(login.issuer()).orElseThrow().authorization();
      clock.advance(Duration.ofMinutes(2));
      String moved = discovery.launch(login.issuer()).orElseThrow().authorization();

      assertThat(kept).isEqualTo(login.issuer() + "/v1/authorize");
      assertThat(moved).isEqualTo(login.issuer() + "/v2/authorize");
      assertThat(login.documentFetches()).isEqualTo(2);
    }
  }

  @Test
  void anIssuerThatSignsNoOneInOrCannotBeReadHasNoLaunchEndpoints() {
    ISSUER.publish(KEY);
    IdentityProvider gone = new IdentityProvider();
    gone.close();

    assertThat(DISCOVERY.launch(ISSUER.issuer())).isEmpty();
    assertThat(DISCOVERY.launch(gone.issuer())).isEmpty();
  }

  @Test
  void aDocumentThatCannotBeReadIsTriedAgainAMinuteLaterNotOnEveryRequest() {
    try (IdentityProvider impostor = new IdentityProvider()) {
      impostor.signUsersInAt("/login");
      impostor.claimIssuer("https://login.example.org/tenant");
      MutableClock clock = new MutableClock(Instant.parse("2026-12-07T04:00:00Z"));
      OidcIssuers discovery = discovery(clock);

      discovery.launch(impostor.issuer());
      discovery.launch(impostor.issuer());
      int withinTheMinute = impostor.documentFetches();
      clock.advance(Duration.ofSeconds(61));
      impostor.claimIssuer(null);
      var later = discovery.launch(impostor.issuer());

      assertThat(withinTheMinute).isEqualTo(1);
      assertThat(later).hasValueSatisfying(endpoints -> assertThat(endpoints.authorization())
          .isEqualTo(impostor.issuer() + "/login/authorize"));
      assertThat(impostor.documentFetches()).isEqualTo(2);
    }
  }

  private static OidcIssuers discovery(Clock clock) {
    return new OidcIssuers(new DefaultResourceRetriever(2_000, 2_000), clock, Duration.ofHours(1));
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
