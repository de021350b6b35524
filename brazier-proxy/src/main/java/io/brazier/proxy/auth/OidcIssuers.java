package io.brazier.proxy.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import io.brazier.client.HttpUrls;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect discovery: an issuer publishes {@code [issuer]/.well-known/openid-configuration}, whose
 * {@code jwks_uri} is where its signing keys are. The document must name the issuer it was asked for, so that a
 * misconfigured URL cannot make one issuer's keys vouch for another. The document read last is kept, for the SMART
 * configuration to name the issuer's endpoints ({@link #launch}), and read again once it is older than
 * {@code maxAge}, as the keys are: an issuer that moves its endpoints is followed by every node on its own. A
 * document that cannot be read is tried again a minute later.
 * https://openid.net/specs/openid-connect-discovery-1_0.html
 */
public final class OidcIssuers {
  private static final Logger log = LoggerFactory.getLogger(OidcIssuers.class);
  /** The least time between two reads of a document that could not be read. */
  private static final Duration RETRY = Duration.ofMinutes(1);

  private record Read(Map<String, Object> document, Instant at) {}

  private final ResourceRetriever http;
  private final Clock clock;
  private final Duration maxAge;
  private final Map<String, Read> documents = new ConcurrentHashMap<>();

  public OidcIssuers(ResourceRetriever http, Clock clock, Duration maxAge) {
    this.http = http;
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /** Fetches the issuer's keys, finding where they are first. */
  public JWKSet keys(String issuer) throws IOException, ParseException {
    return JWKSet.parse(http.retrieveResource(jwksUri(read(issuer))).getContent());
  }

  /**
   * Where an app signs a user in at {@code issuer}, from its discovery document read at most {@code maxAge} ago;
   * empty when the document names no authorization endpoint, or could never be read. A document that cannot be
   * read again leaves the one read before.
   */
  public Optional<LaunchEndpoints> launch(String issuer) {
    Read known = documents.get(issuer);
    Map<String, Object> document = known == null ? null : known.document();
    if (known == null || known.at().plus(maxAge).isBefore(clock.instant())) {
      try {
        document = read(issuer);
      } catch (IOException | ParseException e) {
        log.warn("The discovery document could not be read of={}: {}", issuer, e.getMessage());
        // Anyone may ask for the SMART configuration: tried again after a while, not on every request.
        documents.put(issuer, new Read(document == null ? Map.of() : document,
            clock.instant().minus(maxAge).plus(RETRY)));
      }
    }
    return document == null ? Optional.empty() : endpoints(issuer, document);
  }

  private Map<String, Object> read(String issuer) throws IOException, ParseException {
    URL address = URI.create(TokenUrls.normalize(issuer) + "/.well-known/openid-configuration").toURL();
    Map<String, Object> document = JSONObjectUtils.parse(http.retrieveResource(address).getContent());
    String named = JSONObjectUtils.getString(document, "issuer");
    if (named == null || !TokenUrls.normalize(named).equals(TokenUrls.normalize(issuer))) {
      throw new IOException(address + " names the issuer " + named + ", not " + issuer);
    }
    documents.put(issuer, new Read(document, clock.instant()));
    return document;
  }

  private static URL jwksUri(Map<String, Object> document) throws IOException, ParseException {
    String jwks = JSONObjectUtils.getString(document, "jwks_uri");
    String issuer = JSONObjectUtils.getString(document, "issuer");
    return HttpUrls.parse(jwks).orElseThrow(() -> new IOException("The discovery document of " + issuer
        + " has no jwks_uri that is an http or https URL of a host: " + jwks)).toURL();
  }

  private static Optional<LaunchEndpoints> endpoints(String issuer, Map<String, Object> document) {
    try {
      String authorization = JSONObjectUtils.getString(document, "authorization_endpoint");
      String token = JSONObjectUtils.getString(document, "token_endpoint");
      if (HttpUrls.parse(authorization).isEmpty() || HttpUrls.parse(token).isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new LaunchEndpoints(JSONObjectUtils.getString(document, "issuer"), authorization, token,
          jwksUri(document).toString(), listOr(document, "grant_types_supported", "authorization_code", "implicit"),
          listOr(document, "token_endpoint_auth_methods_supported", "client_secret_basic"),
          listOr(document, "scopes_supported")));
    } catch (IOException | ParseException e) {
      log.warn("The discovery document does not say how to sign in of={}: {}", issuer, e.getMessage());
      return Optional.empty();
    }
  }

  private static List<String> listOr(Map<String, Object> document, String field, String... defaults)
      throws ParseException {
    List<String> named = JSONObjectUtils.getStringList(document, field);
    return named == null ? List.of(defaults) : named;
  }
}
