package io.brazier.fhir.search;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the target of a reference: a local {@code Type/id}, an absolute URL, or a canonical {@code url|version}. */
public final class References {
  private static final Pattern LOCAL =
      Pattern.compile("([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(?:/_history/[A-Za-z0-9\\-.]{1,64})?");

  /** A parsed reference: either {@code type} and {@code id}, or {@code url} with an optional {@code version}. */
  public record Target(String type, String id, String url, String version) {
    public boolean isLocal() {
      return type != null;
    }
  }

  private References() {}

  /**
   * Parses a reference as stored in a resource; null for a contained ({@code #id}) or malformed reference.
   * {@code isResourceType} decides whether the first segment of a relative reference is a type.
   */
  public static Target parse(String reference, java.util.function.Predicate<String> isResourceType) {
    if (reference == null || reference.isBlank() || reference.startsWith("#")) {
      return null;
    }
    Matcher local = LOCAL.matcher(reference);
    if (local.matches() && isResourceType.test(local.group(1))) {
      return new Target(local.group(1), local.group(2), null, null);
    }
    if (!reference.contains(":")) {
      return null;
    }
    return canonical(reference);
  }

  /** An absolute URL, the part after {@code |} being a version as canonicals carry it. */
  public static Target canonical(String url) {
    int bar = url.lastIndexOf('|');
    String base = bar < 0 ? url : url.substring(0, bar);
    String version = bar < 0 || bar == url.length() - 1 ? null : url.substring(bar + 1);
    return new Target(null, null, SearchStrings.bounded(base), version == null ? null : SearchStrings.bounded(version));
  }
}
