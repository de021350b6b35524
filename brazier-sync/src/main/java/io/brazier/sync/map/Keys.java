package io.brazier.sync.map;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row keys, computed rather than looked up: a resource's row key from its type and id (so a lookup column holds the
 * referenced row's key without a query, whether or not that row exists yet), a child row's from its parent's key,
 * table and position, a codeable concept's from its system and code. Name-based UUIDs (version 3), so every agent
 * and every run computes the same keys.
 */
public final class Keys {
  private static final Pattern LOCAL_REFERENCE =
      Pattern.compile("(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?");

  private Keys() {}

  public static UUID row(String type, String id) {
    return uuid("resource:" + type + "/" + id);
  }

  public static UUID child(UUID parent, String table, int index) {
    return uuid("child:" + parent + "/" + table + "/" + index);
  }

  public static UUID concept(String system, String code, String text) {
    return uuid(code == null ? "text:" + text : "concept:" + system + "|" + code);
  }

  /**
   * The row key of what a literal reference names ({@code Patient/12}, or a URL ending so); null for what names no
   * resource of this server: a contained {@code #id}, a {@code urn:uuid:}, a conditional reference.
   */
  public static UUID reference(String reference) {
    if (reference == null) {
      return null;
    }
    Matcher matcher = LOCAL_REFERENCE.matcher(reference);
    return matcher.matches() ? row(matcher.group(1), matcher.group(2)) : null;
  }

  /** The resource type a literal reference names; null when {@link #reference} gives no key. */
  public static String type(String reference) {
    Matcher matcher = reference == null ? null : LOCAL_REFERENCE.matcher(reference);
    return matcher != null && matcher.matches() ? matcher.group(1) : null;
  }

  private static UUID uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
