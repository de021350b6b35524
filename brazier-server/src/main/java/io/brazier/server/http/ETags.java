package io.brazier.server.http;

/**
 * ETags as headers and clients write them: weak ({@code W/"3"}) or strong ({@code "3"}), and, as clients often send
 * them, bare ({@code 3}). https://www.rfc-editor.org/rfc/rfc9110#name-etag
 */
public final class ETags {
  private ETags() {}

  /** The tag an ETag carries: without its {@code W/}, its quotes and surrounding blanks. */
  public static String opaque(String etag) {
    String value = etag.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }

  /** Whether two ETags name the same version, weak or not, quoted or not; no ETag ({@code actual} null) names none. */
  public static boolean same(String expected, String actual) {
    return actual != null && opaque(expected).equals(opaque(actual));
  }
}
