package io.brazier.loader.send;

/** Status codes as servers write them in a bundle entry's response: {@code "201"} or {@code "201 Created"}. */
public final class Statuses {
  private Statuses() {}

  /** The code at the start of the status text, or 0 when there is none. */
  public static int code(String status) {
    if (status == null) {
      return 0;
    }
    String text = status.strip();
    int end = 0;
    while (end < text.length() && end < 3 && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return end == 3 ? Integer.parseInt(text.substring(0, 3)) : 0;
  }

  public static boolean success(int code) {
    return code >= 200 && code < 300;
  }
}
