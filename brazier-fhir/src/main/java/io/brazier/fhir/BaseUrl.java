package io.brazier.fhir;

import java.util.Locale;
import java.util.Optional;

/**
 * What a URL names below a FHIR server's base URL: a server writes its links, locations and references absolute
 * ({@code http://host/fhir/Patient/1}), and the server, the proxy, the loader and the sync agent read them as the
 * path below the base ({@code Patient/1}). A base is given with or without its trailing slash; {@code ""} is no base
 * at all, below which {@code /Patient/1} names {@code Patient/1}. Scheme and host compare without case and a default
 * port as none, as RFC 3986 (6.2.2, 6.2.3) compares URLs: {@code HTTP://Host:80/fhir} is {@code http://host/fhir}.
 * The path compares exactly: {@code /FHIR} is another path.
 */
public final class BaseUrl {
  private BaseUrl() {}

  /**
   * What {@code link} names at or below {@code base}, as a request below the base takes it: {@code Observation?code=x}
   * for a link below the base, {@code ?_getpages=x} for one on the base itself (HAPI's paging links), {@code ""} for
   * the base; empty for a link elsewhere.
   */
  public static Optional<String> below(String link, String base) {
    return following(link, base).filter(rest -> rest.isEmpty() || rest.startsWith("?") || rest.startsWith("/"))
        .map(rest -> rest.startsWith("/") ? rest.substring(1) : rest);
  }

  /**
   * {@code url} relative to {@code base} when it names something below it, as a reference or a bundle entry's URL
   * does: {@code Patient/1}, {@code Patient/1/_history/2}, {@code Patient?identifier=x}; empty for a URL elsewhere,
   * and for the base itself or a query on it, which name no resource.
   */
  public static Optional<String> relative(String url, String base) {
    return following(url, base).filter(rest -> rest.startsWith("/")).map(rest -> rest.substring(1));
  }

  /** What follows {@code base} (without its trailing slash) in {@code url}; empty when {@code url} is elsewhere. */
  private static Optional<String> following(String url, String base) {
    String stem = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    if (url.startsWith(stem)) {
      return Optional.of(url.substring(stem.length())); // as written, which is nearly always
    }
    int urlPath = pathStart(url);
    int stemPath = pathStart(stem);
    if (urlPath < 0 || stemPath < 0 || !url.startsWith(stem.substring(stemPath), urlPath)
        || !origin(url, urlPath).equals(origin(stem, stemPath))) {
      return Optional.empty();
    }
    return Optional.of(url.substring(urlPath + stem.length() - stemPath));
  }

  /** Where the path of an absolute URL starts, after {@code scheme://authority}; -1 for a URL without them. */
  private static int pathStart(String url) {
    int scheme = url.indexOf("://");
    if (scheme <= 0 || endOf(url, 0) < scheme) {
      return -1; // no scheme, or "://" only in a path or query
    }
    return endOf(url, scheme + 3);
  }

  /** The first '/', '?' or '#' from {@code from} on, or the end. */
  private static int endOf(String url, int from) {
    int i = from;
    while (i < url.length() && "/?#".indexOf(url.charAt(i)) < 0) {
      i++;
    }
    return i;
  }

  /** {@code scheme://authority} as RFC 3986 compares it: scheme and host in lower case, no default port. */
  private static String origin(String url, int pathStart) {
    int schemeEnd = url.indexOf("://");
    String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String authority = url.substring(schemeEnd + 3, pathStart);
    int hostStart = authority.lastIndexOf('@') + 1; // user info compares as written
    int colon = authority.lastIndexOf(':');
    int portStart = colon >= hostStart && colon > authority.lastIndexOf(']') ? colon : authority.length();
    String port = authority.substring(portStart);
    boolean defaultPort = port.equals(":") || port.equals(":80") && scheme.equals("http")
        || port.equals(":443") && scheme.equals("https");
    return scheme + "://" + authority.substring(0, hostStart)
        + authority.substring(hostStart, portStart).toLowerCase(Locale.ROOT) + (defaultPort ? "" : port);
  }
}
