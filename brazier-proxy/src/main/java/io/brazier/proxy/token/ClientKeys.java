package io.brazier.proxy.token;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.auth.KeySetCache;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public keys a client signs its assertions with: registered inline, or fetched from its JWKS URL and kept
 * (fetched again after an hour, or for a key id not known yet, at most once a minute).
 */
final class ClientKeys {
  private static final Duration MAX_AGE = Duration.ofHours(1);
  private static final Duration REFRESH_INTERVAL = Duration.ofMinutes(1);

  private final ResourceRetriever http;
  private final Clock clock;
  private final Map<String, KeySetCache> byUrl = new ConcurrentHashMap<>();

  ClientKeys(ResourceRetriever http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  JWKSource<SecurityContext> of(ClientRegistration client) {
    if (client.jwks() != null) {
      try {
        return new ImmutableJWKSet<>(JWKSet.parse(client.jwks()));
      } catch (ParseException e) {
        throw OAuthError.invalidClient("The registered keys of client " + client.id() + " are not a JWK Set.");
      }
    }
    if (client.jwksUrl() == null) {
      throw OAuthError.invalidClient("Client " + client.id() + " has no registered keys: it authenticates with"
          + " its secret.");
    }
    return byUrl.computeIfAbsent(client.jwksUrl(), url -> new KeySetCache("client " + client.id(),
        () -> JWKSet.parse(http.retrieveResource(URI.create(url).toURL()).getContent()), clock, MAX_AGE,
        REFRESH_INTERVAL));
  }
}
