package io.brazier.fhir.search;

/** Reads the target of a reference: a local {@code Type/id}, an absolute URL, or a canonical {@code url|version}. */
public final class References {
  private static final String HISTORY = "/_history/";
  private static final int MAX_ID = 64;
  private static final int MAX_TYPE = 64;

  /**
   * A relative reference, {@code Type/id} or {@code Type/id/_history/version}: the type {@code [A-Z][A-Za-z]+}, the
   * id and the version (null when it names none) of 1 to 64 of {@code [A-Za-z0-9\-.]}.
   */
  public record Relative(String type, String id, String version) {}

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
    Relative local = relative(reference);
    if (local != null && local.type().length() <= MAX_TYPE && isResourceType.test(local.type())) {
      return new Target(local.type(), local.id(), null, null);
    }
    if (!reference.contains(":")) {
      return null;
    }
    return canonical(reference);
  }

  /**
   * The whole of {@code reference} read as a relative reference, or null when it is not one. A scan by hand: every
   * write reads every reference of its resource this way, where a regular expression cost a tenth of the indexing.
   */
  public static Relative relative(String reference) {
    int slash = reference.indexOf('/');
    if (slash < 0 || !isType(reference, 0, slash)) {
      return null;
    }
    int idEnd = idEnd(reference, slash + 1);
    if (idEnd < 0) {
      return null;
    }
    String version = null;
    if (idEnd < reference.length()) {
      int versionStart = idEnd + HISTORY.length();
      if (!reference.startsWith(HISTORY, idEnd) || idEnd(reference, versionStart) != reference.length()) {
        return null;
      }
      version = reference.substring(versionStart);
    }
    return new Relative(reference.substring(0, slash), reference.substring(slash + 1, idEnd), version);
  }

  /** Whether {@code text} from {@code start} to {@code end} is a type name: {@code [A-Z][A-Za-z]+}. */
  static boolean isType(String text, int start, int end) {
    if (end - start < 2) {
      return false;
    }
    char first = text.charAt(start);
    if (first < 'A' || first > 'Z') {
      return false;
    }
    for (int i = start + 1; i < end; i++) {
      char c = text.charAt(i);
      if ((c < 'A' || c > 'Z') && (c < 'a' || c > 'z')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the id (or version) starting at {@code start} ends: at the end of {@code text} or at a slash; -1 when it
   * is empty, longer than 64 or holds any other character.
   */
  static int idEnd(String text, int start) {
    int i = start;
    while (i < text.length() && text.charAt(i) != '/') {
      char c = text.charAt(i);
      if ((c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '.') {
        return -1;
      }
      i++;
    }
    return i == start || i - start > MAX_ID ? -1 : i;
  }

  /** An absolute URL, the part after {@code |} being a version as canonicals carry it. */
  public static Target canonical(String url) {
    int bar = url.lastIndexOf('|');
    String base = bar < 0 ? url : url.substring(0, bar);
    String version = bar < 0 || bar == url.length() - 1 ? null : url.substring(bar + 1);
    return new Target(null, null, SearchStrings.bounded(base), version == null ? null : SearchStrings.bounded(version));
  }
}
