package io.brazier.loader;

import io.brazier.loader.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The folders (containers) of the watching service and the names of what it leaves in them. */
final class Folders {
  static final String BUNDLES = "bundles";
  static final String BUNDLES_PROCESSED = "bundlesprocessed";
  static final String BUNDLES_ERR = "bundleserr";
  static final String NDJSON = "ndjson";
  static final String NDJSON_PROCESSED = "ndjsonprocessed";
  static final String NDJSON_ERR = "ndjsonerr";
  static final String ZIP = "zip";
  static final String ZIP_PROCESSED = "zipprocessed";
  static final String ZIP_ERR = "ziperr";
  static final List<String> INPUTS = List.of(BUNDLES, NDJSON, ZIP);
  static final List<String> ALL = List.of(BUNDLES, BUNDLES_PROCESSED, BUNDLES_ERR, NDJSON, NDJSON_PROCESSED,
      NDJSON_ERR, ZIP, ZIP_PROCESSED, ZIP_ERR);

  private Folders() {}

  /** A zip entry's or an upload's name made safe: letters, digits and '-' only, lower case, as the original did. */
  static String sanitize(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    return base.replaceAll("[^A-Za-z0-9-]", "-").toLowerCase(java.util.Locale.ROOT);
  }

  /** The name without {@code .json}, {@code .ndjson} or {@code .gz}, lower case: the stem of split chunks. */
  static String stem(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("(\\.gz)$", "").replaceAll("\\.(nd)?json$", "");
  }

  /**
   * The name of chunk {@code n} (from 1) of split bundle {@code original}: {@code big-5f0e1c2a9b3d-1.json}, its stem
   * followed by a token of the very file (name, size and time, as a claim knows it), so that no chunk takes the name
   * of a file waiting beside it, a chunk of another split included; only a split of the same file again, after an
   * interrupted attempt, writes over its own chunks.
   */
  static String chunk(Storage.Stored original, int n) {
    String file = original.name() + "\n" + original.size() + "\n" + original.modified().toEpochMilli();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(file.getBytes(StandardCharsets.UTF_8));
      return stem(original.name()) + "-" + HexFormat.of().formatHex(digest, 0, 6) + "-" + n + ".json";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
