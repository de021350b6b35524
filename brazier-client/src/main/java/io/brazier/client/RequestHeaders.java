package io.brazier.client;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Request headers as the FHIR API reads them, wherever a request is taken in (the server, the standalone proxy). A
 * header that HTTP defines as a comma-separated list may be sent several times, meaning the list joined (RFC 9110,
 * section 5.3): {@code Prefer: respond-async} and {@code Prefer: handling=lenient} are one {@code Prefer}. Other
 * headers hold one value, and repeating them is not a list (a second {@code Authorization} or {@code Content-Type}
 * is not joined to the first): the first is read.
 */
public final class RequestHeaders {
  private static final Set<String> LISTS = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    LISTS.addAll(List.of("Accept", "Prefer", "If-Match", "If-None-Match"));
  }

  private RequestHeaders() {}

  /**
   * Each header's value, read from {@code lines}: every line of a header name, in the order sent (a servlet
   * request's {@code getHeaders}).
   */
  public static Function<String, String> of(Function<String, Enumeration<String>> lines) {
    return name -> {
      Enumeration<String> values = lines.apply(name);
      if (!LISTS.contains(name)) {
        return values.hasMoreElements() ? values.nextElement() : null; // most headers, read on every request
      }
      List<String> list = Collections.list(values);
      return list.isEmpty() ? null : String.join(", ", list);
    };
  }
}
