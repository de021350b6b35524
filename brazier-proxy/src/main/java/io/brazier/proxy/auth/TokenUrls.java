package io.brazier.proxy.auth;

import io.brazier.server.FhirServer;

/**
 * Where the built-in token server lives, for a FHIR base URL: beside the base ({@code http://host:8080/fhir} ->
 * {@code http://host:8080/oauth2/token}). Its tokens name {@code [root]/oauth2} as their issuer.
 */
public final class TokenUrls {
  private static final String BASE_PATH = FhirServer.BASE;

  private TokenUrls() {}

  /** The server's root below which the FHIR base lives. */
  public static String root(String baseUrl) {
    String base = normalize(baseUrl);
    return base.endsWith(BASE_PATH) ? base.substring(0, base.length() - BASE_PATH.length()) : base;
  }

  /** The {@code iss} of the built-in token server's tokens. */
  public static String issuer(String baseUrl) {
    return root(baseUrl) + "/oauth2";
  }

  public static String token(String baseUrl) {
    return issuer(baseUrl) + "/token";
  }

  public static String jwks(String baseUrl) {
    return issuer(baseUrl) + "/jwks";
  }

  /** Where a token is introspected (RFC 7662). */
  public static String introspection(String baseUrl) {
    return issuer(baseUrl) + "/introspect";
  }

  /** An issuer or audience URL without its trailing slash, as two spellings of one name compare equal. */
  public static String normalize(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
