package io.brazier.proxy.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import io.brazier.client.HttpUrls;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/**
 * OpenID Connect discovery: an issuer publishes {@code [issuer]/.well-known/openid-configuration}, whose
 * {@code jwks_uri} is where its signing keys are. The document must name the issuer it was asked for, so that a
 * misconfigured URL cannot make one issuer's keys vouch for another.
 * https://openid.net/specs/openid-connect-discovery-1_0.html
 */
public final class OidcIssuers {
  private final ResourceRetriever http;

  public OidcIssuers(ResourceRetriever http) {
    this.http = http;
  }

  /** Fetches the issuer's keys, finding where they are first. */
  public JWKSet keys(String issuer) throws IOException, ParseException {
    return JWKSet.parse(http.retrieveResource(jwksUri(issuer)).getContent());
  }

  URL jwksUri(String issuer) throws IOException, ParseException {
    URL document = URI.create(TokenUrls.normalize(issuer) + "/.well-known/openid-configuration").toURL();
    Map<String, Object> configuration = JSONObjectUtils.parse(http.retrieveResource(document).getContent());
    String named = JSONObjectUtils.getString(configuration, "issuer");
    if (named == null || !TokenUrls.normalize(named).equals(TokenUrls.normalize(issuer))) {
      throw new IOException(document + " names the issuer " + named + ", not " + issuer);
    }
    String jwks = JSONObjectUtils.getString(configuration, "jwks_uri");
    return HttpUrls.parse(jwks).orElseThrow(
        () -> new IOException(document + " has no jwks_uri that is an http or https URL of a host: " + jwks)).toURL();
  }
}
