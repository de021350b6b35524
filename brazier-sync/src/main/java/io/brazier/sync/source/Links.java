package io.brazier.sync.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Reading the links of a bundle, and writing query values. */
final class Links {
  private Links() {}

  /** The URL of the bundle's link of {@code relation}, or null. */
  static String link(JsonNode bundle, String relation) {
    for (JsonNode link : bundle.path("link")) {
      if (relation.equals(link.path("relation").asText())) {
        return link.path("url").asText(null);
      }
    }
    return null;
  }

  /** The (decoded) value of a query parameter of {@code url}, or null. */
  static String param(String url, String name) {
    if (url == null) {
      return null;
    }
    int question = url.indexOf('?');
    if (question < 0) {
      return null;
    }
    for (String pair : url.substring(question + 1).split("&")) {
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
