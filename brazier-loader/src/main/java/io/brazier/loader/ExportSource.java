package io.brazier.loader;

import io.brazier.client.HttpUrls;
import java.net.URI;

/**
 * The FHIR server an export job reads from: the loader's own ({@code base} null), or another one named by {@code
 * $alt-export-all}'s {@code _baseAddress}, with a token for {@code audience} (null: the base itself) when the loader
 * has OAuth2 client credentials.
 */
public record ExportSource(URI base, String audience) {
  public static final ExportSource OWN = new ExportSource(null, null);

  /** The source a body names; its own server when it names none. */
  static ExportSource of(String base, String audience) {
    if (base == null) {
      if (audience != null) {
        throw new IllegalArgumentException("_audience goes with _baseAddress: it names whom the token for that"
            + " other server is for; drop it to export from this loader's own server");
      }
      return OWN;
    }
    URI uri;
    try {
      uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (!HttpUrls.isHttp(uri) || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("_baseAddress must be the http(s) base URL of a FHIR server, such as"
          + " https://fhir.example/fhir, not " + base);
    }
    return new ExportSource(uri, audience);
  }

  public boolean own() {
    return base == null;
  }

  /** The token's audience: the one named, else the base URL, as Azure's FHIR services expect. */
  public String tokenAudience() {
    return audience != null ? audience : base.toString();
  }

  /** For the status and log lines: where it reads. */
  public String describe() {
    return own() ? "this loader's FHIR server" : base + (audience == null ? "" : " (token for " + audience + ")");
  }
}
