package io.brazier.proxy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenID Connect issuer over HTTP, for tests: its discovery document and its JWKS, whose keys a test rotates,
 * and tokens signed with them. It counts the JWKS fetches, so that a test can see when a verifier fetched again.
 */
public final class IdentityProvider implements AutoCloseable {
  private final HttpServer http;
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final AtomicInteger documentFetches = new AtomicInteger();
  private volatile List<JWK> published;
  private volatile String issuerOverride;
  private volatile String signInPath;
  private volatile List<String> scopes = List.of();

  public IdentityProvider() {
    try {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.createContext("/.well-known/openid-configuration", exchange -> {
      documentFetches.incrementAndGet();
      send(exchange, "{\"issuer\":\"" + (issuerOverride != null ? issuerOverride : issuer()) + "\",\"jwks_uri\":\""
          + issuer() + "/jwks\"" + signIn() + "}");
    });
    http.createContext("/jwks", exchange -> {
      jwksFetches.incrementAndGet();
      send(exchange, new JWKSet(published.stream().map(JWK::toPublicJWK).toList()).toString());
    });
    http.start();
  }

  public String issuer() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** Publishes these keys (their public halves) from now on, in place of the earlier ones. */
  public void publish(JWK... keys) {
    published = List.of(keys);
  }

  /** Makes the discovery document name another issuer than the one asked for. */
  public void claimIssuer(String issuer) {
    issuerOverride = issuer;
  }

  /**
   * Makes the discovery document name an authorization and a token endpoint under {@code path} (the authorization
   * code grant, client secrets and private_key_jwt), as an issuer that signs users in does.
   */
  public void signUsersInAt(String path) {
    signInPath = path;
  }

  /** Makes the discovery document of an issuer that signs users in name these {@code scopes_supported}. */
  public void supportScopes(String... named) {
    scopes = List.of(named);
  }

  private String signIn() {
    String path = signInPath;
    if (path == null) {
      return "";
    }
    return ",\"authorization_endpoint\":\"" + issuer() + path + "/authorize\",\"token_endpoint\":\"" + issuer()
        + path + "/token\",\"grant_types_supported\":[\"authorization_code\",\"implicit\",\"refresh_token\"],"
        + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"private_key_jwt\"]"
        + (scopes.isEmpty() ? "" : ",\"scopes_supported\":[\"" + String.join("\",\"", scopes) + "\"]");
  }

  public int documentFetches() {
    return documentFetches.get();
  }

  public int jwksFetches() {
    return jwksFetches.get();
  }

  public static RSAKey rsaKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ECKey ecKey() {
    try {
      return new ECKeyGenerator(Curve.P_384).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims of a valid token of this issuer for {@code audience}, expiring in five minutes. */
  public JWTClaimsSet.Builder claims(String audience) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(issuer()).audience(audience).subject("user-" + UUID.randomUUID())
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
  }

  /** The claims signed RS256 (an RSA key) or ES384 (an EC key), the key named in the header. */
  public static String sign(JWK key, JWTClaimsSet claims) {
    try {
      boolean rsa = key instanceof RSAKey;
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES384)
          .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(rsa ? new RSASSASigner(key.toRSAKey()) : new ECDSASigner(key.toECKey()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
