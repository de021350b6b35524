package io.brazier.proxy.upstream;

import io.javalin.http.Context;

/**
 * Where the proxy is, as its clients know it, and who its client is: the base URL written into what it answers (the
 * configured one, else the request's scheme and host, through {@code X-Forwarded-Proto}/{@code -Host} of trusted
 * proxies only), and the client's address for the audit headers.
 */
public final class ProxyAddress {
  private final String baseUrl;
  private final TrustedProxies trusted;

  /** @param baseUrl the proxy's FHIR base URL as clients know it, or null to take it from each request */
  public ProxyAddress(String baseUrl, TrustedProxies trusted) {
    this.baseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
    this.trusted = trusted;
  }

  public String baseUrl(Context ctx) {
    if (baseUrl != null) {
      return baseUrl;
    }
    String peer = ctx.req().getRemoteAddr();
    String scheme = trusted.forwarded(peer, ctx.header("X-Forwarded-Proto"), ctx.scheme());
    String host = trusted.forwarded(peer, ctx.header("X-Forwarded-Host"), ctx.host());
    return scheme + "://" + host + ProxyEndpoint.BASE;
  }

  String client(Context ctx) {
    return trusted.client(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
  }
}
