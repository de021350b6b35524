package io.brazier.server.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The request headers as the FHIR API reads them. A header that HTTP defines as a comma-separated list may be sent
 * several times, meaning the list joined (RFC 9110, section 5.3): {@code Prefer: respond-async} and
 * {@code Prefer: handling=lenient} are one {@code Prefer}. Other headers hold one value, and repeating them is not
 * a list (a second {@code Authorization} or {@code Content-Type} is not joined to the first): the first is read.
 */
public final class RequestHeaders {
  private static final Set<String> LISTS = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    LISTS.addAll(List.of("Accept", "Prefer", "If-Match", "If-None-Match"));
  }

  private RequestHeaders() {}

  public static Function<String, String> of(HttpServletRequest request) {
    return name -> LISTS.contains(name) ? joined(request, name) : request.getHeader(name);
  }

  private static String joined(HttpServletRequest request, String name) {
    List<String> values = Collections.list(request.getHeaders(name));
    return values.isEmpty() ? null : String.join(", ", values);
  }
}
