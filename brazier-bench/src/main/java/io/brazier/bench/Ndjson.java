package io.brazier.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** NDJSON files, gzipped (as the shared Synthea set keeps them) or not (as Synthea writes them). */
final class Ndjson {
  private Ndjson() {}

  static boolean isNdjson(Path file) {
    return file.toString().endsWith(".ndjson.gz") || file.toString().endsWith(".ndjson");
  }

  /** The file's lines. */
  static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return new BufferedReader(new InputStreamReader(file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16)
        : in, StandardCharsets.UTF_8), 1 << 16);
  }
}
