package io.brazier.fhir.v2;

import java.util.List;

/**
 * One value of a field (a field repeats with {@code ~}): its components ({@code ^}) and their subcomponents
 * ({@code &}), each read unescaped by its one-based position, null where the message has nothing.
 */
public final class Composite {
  private final String raw;
  private final Delimiters delimiters;

  Composite(String raw, Delimiters delimiters) {
    this.raw = raw;
    this.delimiters = delimiters;
  }

  /** A component's text: its first subcomponent, the whole of it in the common case of none. */
  public String component(int position) {
    return subcomponent(position, 1);
  }

  public String subcomponent(int component, int subcomponent) {
    String part = part(raw, delimiters.component(), component);
    String value = part == null ? null : part(part, delimiters.subcomponent(), subcomponent);
    return value == null || value.isEmpty() ? null : delimiters.unescape(value);
  }

  /** The whole value as the message has it, escapes and all: a key to tell values apart, not text to show. */
  String raw() {
    return raw;
  }

  public boolean isEmpty() {
    return raw.isEmpty();
  }

  /** The {@code position}th (one-based) part of {@code text} split at {@code separator}; null past the last. */
  static String part(String text, char separator, int position) {
    List<String> parts = Delimiters.split(text, separator);
    return position >= 1 && position <= parts.size() ? parts.get(position - 1) : null;
  }
}
