package io.brazier.loader.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** A file to load: its name as the user knows it, its size, and how to read it (again, from the start). */
public record InputFile(String name, long size, Opener opener) {

  /** Opens the file's bytes as stored. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  public FileKind kind() {
    return FileKind.of(name);
  }

  /** The content, inflated when the name ends in {@code .gz}. */
  public InputStream content() throws IOException {
    InputStream raw = new BufferedInputStream(opener.open(), 1 << 16);
    return FileKind.gzipped(name) ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  public byte[] bytes() throws IOException {
    try (InputStream in = content()) {
      return in.readAllBytes();
    }
  }

  /**
   * The content when it is at most {@code limit} bytes, else empty: then no more than that is read, so a file that
   * inflates without end (a zip or gzip bomb) costs no more memory than one at the limit.
   */
  public Optional<byte[]> bytes(long limit) throws IOException {
    try (InputStream in = content()) {
      byte[] bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
      return bytes.length > limit ? Optional.empty() : Optional.of(bytes);
    }
  }
}
