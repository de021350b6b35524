package io.brazier.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** The URLs a client can send a request to: absolute {@code http} or {@code https} URLs that name a host. */
public final class HttpUrls {

  private HttpUrls() {}

  /** Whether {@code url} is an http or https URL of a host ({@code https://fhir.example/fhir}). */
  public static boolean isHttp(URI url) {
    if (url == null || url.getScheme() == null || url.getHost() == null) {
      return false;
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https");
  }

  /** {@code text} as a URI when it is an http or https URL of a host; empty otherwise, a malformed one included. */
  public static Optional<URI> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      URI url = new URI(text);
      return isHttp(url) ? Optional.of(url) : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
