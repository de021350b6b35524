package io.brazier.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The URLs a client can send a request to: absolute {@code http} or {@code https} URLs that name a host; and any URL
 * as a log or a message may show it.
 */
public final class HttpUrls {
  private static final String REDACTED = "REDACTED";

  private HttpUrls() {}

  /** Whether {@code url} is an http or https URL of a host ({@code https://fhir.example/fhir}). */
  public static boolean isHttp(URI url) {
    return isHttpScheme(url) && url.getHost() != null;
  }

  /**
   * Whether {@code url}'s scheme is http or https, whatever its host: none, or one Java's URLs do not take
   * ({@code storage_1}), which a message may then name as the reason it is no {@link #isHttp} URL.
   */
  public static boolean isHttpScheme(URI url) {
    if (url == null || url.getScheme() == null) {
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

  /**
   * {@code url} as a log or a message may show it, without the secrets a URL can carry: each value of its query
   * (an Azure SAS's {@code sig}, S3's {@code X-Amz-Signature}, a token) and its user info read {@code REDACTED}, as
   * the Azure SDK logs them; the names stay, to show that a query was given. Read as text, so that a malformed URL,
   * which a message may still echo, is redacted too.
   */
  public static String redacted(String url) {
    int fragment = url.indexOf('#');
    int end = fragment < 0 ? url.length() : fragment;
    int question = url.indexOf('?');
    if (question < 0 || question > end) {
      return withoutUserInfo(url.substring(0, end)) + url.substring(end);
    }
    String query = Arrays.stream(url.substring(question + 1, end).split("&", -1))
        .map(pair -> pair.isEmpty() ? pair : pair.contains("=") ? pair.substring(0, pair.indexOf('=') + 1) + REDACTED
            : REDACTED)
        .collect(Collectors.joining("&"));
    return withoutUserInfo(url.substring(0, question)) + "?" + query + url.substring(end);
  }

  /** {@code https://user:password@host/path} as {@code https://REDACTED@host/path}. */
  private static String withoutUserInfo(String beforeQuery) {
    int authority = beforeQuery.indexOf("//");
    if (authority < 0) {
      return beforeQuery;
    }
    int path = beforeQuery.indexOf('/', authority + 2);
    int at = beforeQuery.lastIndexOf('@', path < 0 ? beforeQuery.length() : path);
    return at < authority ? beforeQuery
        : beforeQuery.substring(0, authority + 2) + REDACTED + beforeQuery.substring(at);
  }
}
