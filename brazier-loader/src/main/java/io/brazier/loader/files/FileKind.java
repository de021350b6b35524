package io.brazier.loader.files;

import java.util.Locale;

/** What a file holds, told by its name: a bundle ({@code .json}), NDJSON, a zip archive, each optionally gzipped. */
public enum FileKind {
  BUNDLE, NDJSON, ZIP, OTHER;

  public static FileKind of(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".gz")) {
      lower = lower.substring(0, lower.length() - 3);
    }
    if (lower.endsWith(".json")) {
      return BUNDLE;
    }
    if (lower.endsWith(".ndjson")) {
      return NDJSON;
    }
    return lower.endsWith(".zip") ? ZIP : OTHER;
  }

  public static boolean gzipped(String name) {
    return name.toLowerCase(Locale.ROOT).endsWith(".gz");
  }

  /** Files being written by another program: left alone until renamed. */
  public static boolean partial(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".tmp") || lower.endsWith(".part") || lower.startsWith(".");
  }
}
